"""What every service uses: integration-event contracts, event store, outbox relay, ordered consumer."""
