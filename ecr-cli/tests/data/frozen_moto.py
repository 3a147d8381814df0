"""moto with a frozen clock, for output compared byte for byte across runs:
every time ECR's models read is 2024-01-12T15:09:06.123Z, so a state set up
twice (after `POST /moto-api/reset` and `POST /moto-api/seed?a=N`, which
fixes moto's random ids) answers the same bytes both times. Binds
127.0.0.1:0, prints its port, stops when stdin closes."""

import datetime
import logging
import sys

import moto.core.utils
import moto.ecr.models
from moto.server import ThreadedMotoServer

FIXED = datetime.datetime(2024, 1, 12, 15, 9, 6, 123000, tzinfo=datetime.timezone.utc)


class FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED.astimezone(tz) if tz else FIXED.replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        return FIXED.replace(tzinfo=None)

    @classmethod
    def today(cls):
        return FIXED.replace(tzinfo=None)


def frozen_utcnow():
    return FIXED.replace(tzinfo=None)


moto.core.utils.utcnow = frozen_utcnow
moto.ecr.models.utcnow = frozen_utcnow
moto.ecr.models.datetime = FrozenDatetime

# Requests and moto's 500s for actions it lacks would flood the test log;
# both tools see the same answers, which the test compares.
logging.disable(logging.CRITICAL)

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
