"""An S3-compatible server for the test session: moto's, as its own process (`moto_server`),
so the S3 side of academy.storage runs against real HTTP, not a mock of boto3."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

MOTO = Path(sys.executable).with_name("moto_server")
CREDENTIALS = {
    "S3_ACCESS_KEY_ID": "testing",
    "S3_SECRET_ACCESS_KEY": "testing",
    "S3_REGION": "ap-northeast-2",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    server = subprocess.Popen(
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).read()
            break
        except OSError:
            assert server.poll() is None, "moto_server did not start"
            assert time.monotonic() < deadline, "moto_server did not answer"
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=30)


def s3_settings(endpoint: str, bucket: str | None = None) -> dict:
    """Settings for a new, empty bucket on the moto server."""
    import boto3

    bucket = bucket or f"academy-{secrets.token_hex(6)}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=CREDENTIALS["S3_REGION"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["S3_REGION"]},
    )
    return {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_PREFIX": "academy", **CREDENTIALS}
