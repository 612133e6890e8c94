"""What a service tells Prometheus (`GET /metrics`): counts and positions, never a person's data.

Positions come from the store when scraped, so they survive a restart: how far the store's log
reaches, how far the relay has published it, how far each consumer has handled its upstream's
log and how far behind that upstream it is. What happened since the process started (requests
answered, events published and handled, dead letters) are counters Prometheus's `rate()` and
`increase()` read across restarts as usual.
"""

from __future__ import annotations

from typing import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

BACKLOG_COUNTED_UP_TO = 10_000  # the relay's backlog is counted up to this many events, then "at least"

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("ops_http_requests", "HTTP requests answered, by endpoint and status",
                   ["service", "method", "endpoint", "status"], registry=REGISTRY)


def count_request(service: str, method: str, endpoint: str, status: int) -> None:
    REQUESTS.labels(service, method, endpoint, str(status)).inc()


class StoreCollector:
    """Reads a service's store and its workers at each scrape."""

    def __init__(self, app):
        self.app = app

    def collect(self) -> Iterator:
        from shared.store import INTEGRATION_TOPIC, RELAY_POSITION

        app, service = self.app, self.app.service
        head = GaugeMetricFamily("ops_store_head", "The last notification id in the service's store (its log's length)",
                                 labels=["service"])
        head.add_metric([service], app.recorder.max_notification_id() or 0)
        yield head
        connected = GaugeMetricFamily("ops_worker_connected", "1 when the worker is connected to the broker",
                                      labels=["service", "worker"])
        published = CounterMetricFamily("ops_events_published", "Integration events the relay published since start",
                                        labels=["service"])
        handled = CounterMetricFamily("ops_events_handled", "Upstream events handled since start",
                                      labels=["service", "upstream"])
        dead = CounterMetricFamily("ops_dead_letters", "Messages dead-lettered since start", labels=["service", "worker"])
        position = GaugeMetricFamily("ops_position", "How far a reader of a log has come (a notification id)",
                                     labels=["service", "log", "reader"])
        lag = GaugeMetricFamily("ops_consumer_lag", "Events of the upstream's log not yet handled (as far as known)",
                                labels=["service", "upstream"])
        backlog = GaugeMetricFamily("ops_relay_backlog", "Integration events stored and not yet published",
                                    labels=["service"])
        for worker in app.workers:
            connected.add_metric([service, worker.name], 1 if worker.connected else 0)
            upstream = getattr(worker, "upstream", None)
            if hasattr(worker, "handled") and upstream:
                at = app.position(upstream)
                handled.add_metric([service, upstream], worker.handled)
                dead.add_metric([service, worker.name], worker.dead_lettered)
                position.add_metric([service, upstream, service], at)
                lag.add_metric([service, upstream], max(0, (worker.upstream_head or 0) - at))
            elif worker.name == "relay":
                # the position published up to: the one recorded may lag it by a second
                at = app.position(RELAY_POSITION) if worker.position is None else worker.position
                published.add_metric([service], worker.published)
                dead.add_metric([service, worker.name], worker.dead_lettered)
                position.add_metric([service, service, "relay"], at)
                waiting = app.recorder.select_notifications(start=at, limit=BACKLOG_COUNTED_UP_TO,
                                                            topics=(INTEGRATION_TOPIC,), inclusive_of_start=False)
                backlog.add_metric([service], len(waiting))
        yield from (connected, published, handled, dead, position, lag, backlog)


def exposition(app) -> tuple[bytes, str]:
    """The text Prometheus scrapes: this process's counters and the store's positions."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(app))
    return generate_latest(REGISTRY) + generate_latest(registry), CONTENT_TYPE_LATEST
