"""`make bench-store`: what encrypting the store at rest costs (prints figures; asserts nothing).

    .venv/bin/python benchmarks/store_cipher.py [--ops 3000] [--rounds 3]

A service store (shared/store.py: ServiceApplication) on a SQLite file, without a key and with
one (eventsourcing's AES-GCM cipher, docs/architecture.md, "Encrypted at rest"), in turns:
`--ops` saves of a new aggregate holding a person's data (one transaction each, synced WAL),
then as many loads of those aggregates from the store. Each figure is the median over
`--rounds` rounds, in µs per operation. The cipher alone (encrypt and decrypt one stored state)
is timed too: it is what encryption adds, whatever the disk and the machine's other load do to
the rest. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.domain import Aggregate, event  # noqa: E402

from shared.store import ServiceApplication  # noqa: E402


class Registration(Aggregate):
    @event("Registered")
    def __init__(self, name: str, pesel: str, note: str):
        self.name, self.pesel, self.note = name, pesel, note


class Store(ServiceApplication):
    service = "bench"


def cipher_alone(folder: Path, ops: int) -> tuple[float, float]:
    """µs to encrypt and to decrypt one stored event's state with the store's own cipher."""
    app = Store(f"sqlite:///{folder}/cipher.sqlite", secrets_dir=folder / "secrets")
    try:
        state = app.mapper.transcoder.encode(vars(Registration("Osoba 1 Kowalska", "00000000001", "notatka " * 16)
                                                  .collect_events()[0]))
        cipher = app.mapper.cipher
        started = time.perf_counter()
        stored = [cipher.encrypt(state) for _ in range(ops)]
        encrypted = time.perf_counter()
        for ciphertext in stored:
            cipher.decrypt(ciphertext)
        decrypted = time.perf_counter()
    finally:
        app.close()
    return (encrypted - started) * 1e6 / ops, (decrypted - encrypted) * 1e6 / ops


def one_round(folder: Path, ops: int, encrypted: bool) -> tuple[float, float]:
    """µs per save and per load."""
    app = Store(f"sqlite:///{folder}/store.sqlite", secrets_dir=folder / "secrets" if encrypted else None)
    try:
        assert (app.mapper.cipher is not None) == encrypted
        started = time.perf_counter()
        ids = []
        for i in range(ops):
            registered = Registration(f"Osoba {i} Kowalska", f"{i:011d}", "notatka z pierwszego kontaktu " * 4)
            app.save(registered)
            ids.append(registered.id)
        saved = time.perf_counter()
        for aggregate_id in ids:
            app.repository.get(aggregate_id)
        loaded = time.perf_counter()
    finally:
        app.close()
    return (saved - started) * 1e6 / ops, (loaded - saved) * 1e6 / ops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for number in range(args.rounds):
        for encrypted in (False, True):  # in turns, so the machine's other load falls on both alike
            with tempfile.TemporaryDirectory() as tmp:
                runs[encrypted].append(one_round(Path(tmp), args.ops, encrypted))
    figures = {"ops": args.ops, "rounds": args.rounds}
    for encrypted, name in ((False, "clear"), (True, "encrypted")):
        figures[f"{name}_save_us"] = round(statistics.median(save for save, _ in runs[encrypted]), 1)
        figures[f"{name}_load_us"] = round(statistics.median(load for _, load in runs[encrypted]), 1)
    for op in ("save", "load"):
        clear, encrypted = figures[f"clear_{op}_us"], figures[f"encrypted_{op}_us"]
        figures[f"{op}_cost_percent"] = round((encrypted - clear) * 100 / clear, 1)
        print(f"{op:<5} on SQLite   clear {clear:8.1f} µs   encrypted {encrypted:8.1f} µs   "
              f"({figures[f'{op}_cost_percent']:+.1f} %)")
    with tempfile.TemporaryDirectory() as tmp:
        encrypt, decrypt = cipher_alone(Path(tmp), args.ops * 10)
    figures["cipher_encrypt_us"], figures["cipher_decrypt_us"] = round(encrypt, 2), round(decrypt, 2)
    print(f"the cipher alone, one event's state   encrypt {encrypt:6.2f} µs   decrypt {decrypt:6.2f} µs")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
