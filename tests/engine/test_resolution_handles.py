"""Delivery resolution and frame handles: validated project settings that reach renders and the cut."""

from __future__ import annotations

import json

import opentimelineio as otio
import pytest

from engine.errors import ShotlineError
from engine.interchange.editorial import import_cut, media_folder, write_cut
from engine.interchange.formats import export_project
from engine.project import CameraKey, Project, Shot, dumps_project, loads_project
from engine.project_settings import RESOLUTIONS, Settings, apply_settings, settings_of

SIZE = (64, 28)


def _project(**fields) -> Project:
    shots = [
        Shot(id="wide", name="Wide", duration=10, keys=[CameraKey(frame=0, position=(0.0, 1.6, 5.0)), CameraKey(frame=9, position=(1.0, 1.6, 5.0))]),
        Shot(id="close", name="Close", duration=6, keys=[CameraKey(frame=0, position=(0.0, 1.6, 2.0))]),
    ]
    return Project(shots=shots, **fields)


def test_resolution_and_handles_round_trip_and_set_the_delivery_frame_size():
    project = _project()
    assert project.frame_size() == (832, 348)  # no resolution: as before
    changed = apply_settings(project, Settings(project.fps, 2.39, tuple(project.sensor_mm), (2048, 858), 12))
    changed = loads_project(dumps_project(changed))
    assert settings_of(changed).resolution == (2048, 858) and settings_of(changed).handles == 12
    assert changed.frame_size() == (2048, 858)  # what shotline preview / render make without --size
    assert changed.frame_size(832) == (832, 348)  # the working size the preview panel asks for
    # An old file (no resolution, no handles) reads as before.
    data = json.loads(dumps_project(project))
    del data["resolution"], data["handles"]
    assert loads_project(json.dumps(data)) == project
    assert all(r is None or (r[0] % 2 == 0 and r[1] % 2 == 0) for r in RESOLUTIONS.values())


@pytest.mark.parametrize(
    "resolution, handles, field",
    [((1920, 1080), 0, "resolution"), ((2047, 858), 0, "resolution"), ((8, 4), 0, "resolution"), (None, -1, "handles"), (None, 1001, "handles")],
)
def test_bad_resolutions_and_handles_are_refused_naming_the_field(resolution, handles, field):
    project = _project()  # delivered at 2.39: 1920 x 1080 is 16:9
    with pytest.raises(ShotlineError) as err:
        apply_settings(project, Settings(project.fps, 2.39, tuple(project.sensor_mm), resolution, handles))
    assert err.value.field == field
    data = json.loads(dumps_project(project))
    data["resolution"], data["handles"] = resolution, max(handles, 0)
    if field == "resolution":
        with pytest.raises(ShotlineError, match="resolution"):
            loads_project(json.dumps(data))


def test_handles_reach_the_edl_and_xml_cuts_and_their_media_and_come_off_on_re_import(tmp_path):
    from engine.interchange.mp4 import read_mp4

    project = _project(handles=4)
    edl = tmp_path / "cut.edl"
    write_cut(project, "edl", edl, size=SIZE)
    # The EDL's source in is after the head handle; out is in + the shot.
    events = [line.split() for line in edl.read_text().splitlines() if line[:3].isdigit()]
    assert [e[4:6] for e in events] == [["00:00:00:04", "00:00:00:14"], ["00:00:00:04", "00:00:00:10"]]
    media = sorted(media_folder(edl).glob("*.mp4"))
    assert [len(read_mp4(m)[0]) for m in media] == [10 + 8, 6 + 8]
    # Re-import: the same cut, nothing trimmed.
    result = import_cut(project, edl, "edl")
    assert [s.duration for s in result.project.shots] == [10, 6] and result.changes == []
    xml = tmp_path / "cut.xml"
    write_cut(project, "fcp7xml", xml, size=SIZE)
    timeline = otio.adapters.read_from_file(str(xml), "fcp_xml")
    clips = list(timeline.find_clips())
    assert [c.media_reference.available_range.duration.value for c in clips] == [18, 14]
    assert [c.source_range.start_time.value for c in clips] == [4, 4]
    assert import_cut(project, xml, "fcp7xml").changes == []


def test_handles_reach_the_otio_export(tmp_path):
    project = _project(handles=6)
    export_project(project, "otio", tmp_path / "cut.otio")
    clips = list(otio.adapters.read_from_file(str(tmp_path / "cut.otio")).find_clips())
    assert [(c.source_range.start_time.value, c.source_range.duration.value) for c in clips] == [(6, 10), (6, 6)]
    assert [c.media_reference.available_range.duration.value for c in clips] == [22, 18]
