"""TLS for the console's server off loopback: certificates, fingerprints, pinning.

Seats on other machines connect with ``wss://``. The studio either brings its
own certificate (``--tls-cert``/``--tls-key``) or lets the console generate a
self-signed one (``--generate-cert``, kept in the data directory so its
fingerprint stays the same across restarts). The console prints the
certificate's SHA-256 fingerprint; a seat given ``--fingerprint`` trusts
exactly that certificate and nothing else.

Pinning happens *before* the token is sent: the client first fetches the
server's certificate and compares its fingerprint, then opens the real
connection with a context that trusts only that certificate, so a
man-in-the-middle with another certificate fails the TLS handshake and never
sees the ``Authorization`` header.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
from pathlib import Path

from videohelp.core.private import open_private, private_dir, tighten

CERT_NAME, KEY_NAME = "console-cert.pem", "console-key.pem"


class TlsError(RuntimeError):
    """TLS is misconfigured, or a server's certificate does not match its pin."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only reaches this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, tls: bool, insecure: bool) -> None:
    """Refuse to serve seats in clear text beyond this machine unless explicitly overridden."""
    if not tls and not insecure and not is_loopback(host):
        raise TlsError(f"refusing to listen on {host} without TLS: seats' tokens and viewers' data "
                       "would cross the network in clear text. Give --tls-cert/--tls-key or "
                       "--generate-cert, or --insecure-no-tls if the network is yours alone.")


def normalize_fingerprint(value: str) -> str:
    """``SHA256:AB:CD...``, ``ab cd ...`` or ``abcd...`` -> ``AB:CD:...`` (64 hex digits)."""
    text = value.strip()
    if text.lower().startswith("sha256:") and len(text) > 70:
        text = text[7:]
    digits = "".join(c for c in text if c not in ": ").upper()
    if len(digits) != 64 or any(c not in "0123456789ABCDEF" for c in digits):
        raise TlsError(f"not a SHA-256 fingerprint: {value!r} (expected 64 hex digits)")
    return ":".join(digits[i:i + 2] for i in range(0, 64, 2))


def fingerprint_der(der: bytes) -> str:
    return normalize_fingerprint(hashlib.sha256(der).hexdigest())


def fingerprint_file(cert_path: Path | str) -> str:
    """The SHA-256 fingerprint of the first certificate in a PEM file."""
    pem = Path(cert_path).read_text(encoding="ascii")
    return fingerprint_der(ssl.PEM_cert_to_DER_cert(pem[: pem.index("-----END CERTIFICATE-----") + 25]))


def generate_certificate(directory: Path, hosts: list[str], *, days: int = 825,
                         reuse: bool = True) -> tuple[Path, Path]:
    """A self-signed certificate for ``hosts`` in ``directory`` (kept and reused if present)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = directory / CERT_NAME, directory / KEY_NAME
    private_dir(directory)
    if reuse and cert_path.exists() and key_path.exists():
        tighten(key_path)  # a key copied in (or left by an older version) with a looser mode
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys([*hosts, "localhost", "127.0.0.1"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host.strip("[]"))))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "videohelp console"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "videohelp")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    with open_private(key_path, "wb") as handle:  # the key: owner only, an old file's mode too
        handle.write(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def server_context(cert_path: Path | str, key_path: Path | str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert_path), str(key_path))
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(f"cannot use certificate {cert_path} with key {key_path}: {exc}") from exc
    return context


def _probe_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # only to read the certificate; nothing is sent
    return context


async def fetch_certificate(host: str, port: int, timeout: float = 10.0) -> bytes:
    """The DER certificate the server presents (handshake only, no data sent)."""
    _reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=_probe_context(), server_hostname=host or None),
        timeout)
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError, TimeoutError):  # we have what we came for
            await asyncio.wait_for(writer.wait_closed(), timeout)
    if not der:
        raise TlsError(f"{host}:{port} presented no certificate")
    return der


def pinned_context(der: bytes) -> ssl.SSLContext:
    """A client context that trusts exactly the certificate ``der`` (no CA, no host name)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # the pin names the certificate; host names add nothing
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a studio leaf certificate as the anchor
    context.load_verify_locations(cadata=ssl.DER_cert_to_PEM_cert(der))
    return context


async def client_context(host: str, port: int, fingerprint: str | None,
                         timeout: float = 10.0) -> ssl.SSLContext:
    """The context for ``wss://host:port``: pinned to ``fingerprint``, else the system's CAs."""
    if fingerprint is None:
        return ssl.create_default_context()
    expected = normalize_fingerprint(fingerprint)
    der = await fetch_certificate(host, port, timeout)
    found = fingerprint_der(der)
    if found != expected:
        raise TlsError(f"{host}:{port} presented certificate {found}, not the pinned {expected}: "
                       "refusing to send the token")
    return pinned_context(der)


def local_addresses() -> list[str]:
    """This machine's name and addresses, for a generated certificate's names."""
    names = [socket.gethostname()]
    with contextlib.suppress(OSError):
        names += sorted({str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)})
    return names


def add_tls_arguments(parser: argparse.ArgumentParser) -> None:
    """The TLS options of the console's server (the desk and ``serve``)."""
    parser.add_argument("--tls-cert", metavar="PEM", help="the studio's certificate (with --tls-key): "
                                                         "serve wss:// with it")
    parser.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    parser.add_argument("--generate-cert", action="store_true",
                        help="serve wss:// with a certificate the console generates (kept in the "
                             "data directory, so its fingerprint stays the same)")
    parser.add_argument("--insecure-no-tls", action="store_true",
                        help="allow listening beyond this machine without TLS (tokens and viewers' "
                             "data cross the network in clear text)")


def server_tls(args: argparse.Namespace, data_root: Path, host: str
               ) -> tuple[ssl.SSLContext | None, str | None]:
    """The server's TLS context and certificate fingerprint from the options, or (None, None).

    Raises ``TlsError`` for a half-given certificate or a non-loopback ``host`` without TLS.
    """
    cert, key = getattr(args, "tls_cert", None), getattr(args, "tls_key", None)
    if bool(cert) != bool(key):
        raise TlsError("--tls-cert and --tls-key go together")
    if cert and getattr(args, "generate_cert", False):
        raise TlsError("give either --tls-cert/--tls-key or --generate-cert, not both")
    if getattr(args, "generate_cert", False):
        cert, key = generate_certificate(data_root / "tls", [host, *local_addresses()])
    check_bind(host, tls=bool(cert), insecure=getattr(args, "insecure_no_tls", False))
    if not cert or not key:
        return None, None
    return server_context(cert, key), fingerprint_file(cert)
