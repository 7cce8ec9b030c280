"""A test class's DNS world (NSD + Unbound, tools/world/) with one vigild in front of it, started
once for the class and always stopped."""
import os
import sys
import tempfile
import unittest

from harness import ROOT, Vigild

sys.path.insert(0, os.path.join(ROOT, "tools", "world"))
import world as world_module  # noqa: E402


def free_port_pair():
    return world_module.free_base_port(2)


class WorldTestCase(unittest.TestCase):
    """Subclasses define vigild_args(world): the flags that put vigild in front of the world."""

    @classmethod
    def vigild_args(cls, world):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="vigil-world-test-")
        cls.world = world_module.World(cls.directory, base_port=free_port_pair())
        cls.world.start()
        try:
            cls.vigild = Vigild(*cls.vigild_args(cls.world))
        except BaseException:
            cls.world.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.vigild.stop()
        cls.world.stop()
