"""Runs every service of the platform on loopback until Ctrl-C (`make dev`).

The servers (PostgreSQL, Kafka, OpenSearch) are started before by `make up`; this
starts one uvicorn process per service, identity first (the others read its public
keys at start-up), then the web front on port 8000, waits until each answers
/health, prints the URLs and stops them all on exit.
"""

import contextlib
import ctypes
import ctypes.util
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SERVICES = {
    "identity": 8001,
    "offers": 8002,
    "search": 8003,
    "applications": 8004,
    "conventions": 8005,
    "stats": 8006,
    "web": 8000,
}
ROOT = Path(__file__).parents[2]
LOCAL = Path(os.environ.get("STAGE_LOCAL_DIR", ROOT / ".local"))
LOG_DIR = Path(os.environ.get("STAGE_LOG_DIR", LOCAL / "logs"))
SMTP_PORT = 1025


def signing_key() -> str:
    """Identity's Ed25519 key for development, made once under .local/."""
    configured = os.environ.get("IDENTITY_JWT_PRIVATE_KEY")
    if configured:
        return configured
    path = LOCAL / "identity" / "jwt-ed25519.pem"
    command = [sys.executable, "-m", "identity.signing", "generate", str(path)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return str(path)


def partner_secret() -> str:
    """Offers' secret for the v2 partner tokens in development, made once."""
    configured = os.environ.get("OFFERS_PARTNER_JWT_SECRET")
    if configured:
        return configured
    path = LOCAL / "offers" / "partner-jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def seed_demo() -> None:
    """`make demo` once the services answer: a no-op when already done.
    STAGE_DEMO=0 skips it; a failure is reported and the platform stays up."""
    if os.environ.get("STAGE_DEMO", "1") == "0":
        return
    command = [sys.executable, "-m", "deploy.local.demo"]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:  # noqa: S603
        print("données de démonstration incomplètes (voir ci-dessus)", file=sys.stderr)  # noqa: T201


def start_smtp_sink() -> subprocess.Popen[bytes]:
    """A local SMTP box: every email and SMS the platform sends goes to smtp.log."""
    log = (LOG_DIR / "smtp.log").open("ab")
    command = [sys.executable, "-m", "kit.senders", "--port", str(SMTP_PORT)]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/health", timeout=1
        ) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def start(name: str, port: int) -> subprocess.Popen[bytes]:
    port = int(os.environ.get(f"{name.upper()}_HTTP_PORT", port))
    log = (LOG_DIR / f"{name}.log").open("ab")
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        f"{name}.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def die_with_parent() -> None:
    """Linux: get SIGTERM when `make` goes away, so no service is left running."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def development_env() -> None:
    """What the services need to talk to each other on one machine."""
    web = f"http://127.0.0.1:{os.environ.get('WEB_HTTP_PORT', SERVICES['web'])}"
    jwks = f"http://127.0.0.1:{SERVICES['identity']}/.well-known/jwks.json"
    os.environ["IDENTITY_JWT_PRIVATE_KEY"] = signing_key()
    os.environ.setdefault("IDENTITY_PUBLIC_BASE_URL", web)
    os.environ.setdefault("CONVENTIONS_LINK_BASE", f"{web}/conventions/lien")
    os.environ.setdefault("SEARCH_JWKS_URL", jwks)
    os.environ["OFFERS_PARTNER_JWT_SECRET"] = partner_secret()


def wait_for(
    processes: dict[str, subprocess.Popen[bytes]], names: dict[str, int]
) -> bool:
    deadline = time.monotonic() + 90
    waiting = dict(names)
    while waiting:
        for name, port in list(waiting.items()):
            if processes[name].poll() is not None:
                print(  # noqa: T201
                    f"{name} s'est arrêté, voir {LOG_DIR / (name + '.log')}",
                    file=sys.stderr,
                )
                return False
            if healthy(port):
                page = "/" if name == "web" else "/docs"
                print(f"{name:<13} http://127.0.0.1:{port}{page}")  # noqa: T201
                del waiting[name]
        if time.monotonic() > deadline:
            print(f"pas de réponse de: {', '.join(waiting)}", file=sys.stderr)  # noqa: T201
            return False
        time.sleep(0.3)
    return True


def main() -> int:
    die_with_parent()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    development_env()
    processes = {"smtp": start_smtp_sink()}
    first = {"identity": SERVICES["identity"]}
    others = {k: v for k, v in SERVICES.items() if k != "identity"}
    try:
        processes["identity"] = start("identity", first["identity"])
        if not wait_for(processes, first):
            return 1
        processes |= {name: start(name, port) for name, port in others.items()}
        if not wait_for(processes, others):
            return 1
        seed_demo()
        print(f"courriels et SMS envoyés: {LOG_DIR / 'smtp.log'}")  # noqa: T201
        print("Plateforme démarrée. Ctrl-C pour arrêter.")  # noqa: T201
        # Blocked only now: a mask set before starting the services would be
        # inherited by them, and they would then ignore SIGTERM.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        return 0
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
