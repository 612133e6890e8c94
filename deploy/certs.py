"""The deployment's own certificate authority and the certificates of its servers, for TLS
between the services and the broker (and the other servers an operator names).

    python -m deploy.certs --out deploy/certs                      (rabbitmq; the compose names)
    python -m deploy.certs --out deploy/certs --server rabbitmq --server postgres --server gateway

writes `ca.pem` (give it to every client: OPS_AMQP_CA_FILE), `ca.key` (keep it off the
servers), and per server `<name>.pem` and `<name>.key`, each valid for its name, localhost and
127.0.0.1. An existing CA is kept, so certificates can be renewed without handing out a new CA;
`--renew-ca` makes a new one. Keys are written readable by their owner only.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 825  # what browsers and TLS libraries accept for a server certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OPS"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path: Path, key) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _write_certificate(path: Path, certificate: x509.Certificate) -> None:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def certificate_authority(out: Path, renew: bool = False) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The deployment's CA from `out`, made there if missing (or if renew)."""
    cert_path, key_path = out / "ca.pem", out / "ca.key"
    if cert_path.exists() and key_path.exists() and not renew:
        return (x509.load_pem_x509_certificate(cert_path.read_bytes()),
                serialization.load_pem_private_key(key_path.read_bytes(), password=None))
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(_name("OPS deployment CA")).issuer_name(_name("OPS deployment CA"))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    _write_certificate(cert_path, certificate)
    return certificate, key


def server_certificate(out: Path, name: str, ca: x509.Certificate, ca_key) -> None:
    """`<name>.pem` and `<name>.key`, signed by the CA, for the name, localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    names = [x509.DNSName(name), x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder().subject_name(_name(name)).issuer_name(ca.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(out / f"{name}.key", key)
    _write_certificate(out / f"{name}.pem", certificate)


def make(out: Path, servers: list[str], renew_ca: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ca, ca_key = certificate_authority(out, renew_ca)
    for server in servers:
        server_certificate(out, server, ca, ca_key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.certs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("deploy/certs"))
    parser.add_argument("--server", action="append", dest="servers", help="a server's host name (repeatable)")
    parser.add_argument("--renew-ca", action="store_true")
    args = parser.parse_args(argv)
    servers = args.servers or ["rabbitmq"]
    make(args.out, servers, args.renew_ca)
    print(f"CA and certificates for {', '.join(servers)} in {args.out}/ (keys readable by their owner only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
