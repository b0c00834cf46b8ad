"""A session on disk names files only inside its own folder: a copied or hand-edited
round.json or session.json cannot make the app read (and then send) a file from elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.core.params import ApiOptions, EditParams
from editor.store import SessionStore, StoreReadError

from .conftest import make_image, make_mask


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "private.png"
    Image.fromarray(np.full((8, 8, 3), 200, np.uint8)).save(path)
    return path


def _round_json(store: SessionStore) -> tuple[str, str, Path]:
    s = store.create(make_image())
    r = s.start_round(EditParams(ApiOptions("x")), mask=make_mask())
    s.add_variant(r.id, 0, make_image(seed=1))
    s.close()
    return s.id, r.id, s.path / "rounds" / r.id / "round.json"


@pytest.mark.parametrize("field", ["file", "proxy"])
def test_a_variant_file_outside_the_round_is_refused(
    store: SessionStore, secret: Path, field: str
) -> None:
    sid, rid, path = _round_json(store)
    doc = json.loads(path.read_text())
    doc["variants"][0][field] = str(secret) if field == "file" else "../../../private.png"
    path.write_text(json.dumps(doc))
    with store.open(sid) as s:
        # The round is recovered from the images in its own folder; nothing points outside.
        variant = s.round(rid).variant(0)
        assert variant is not None
        assert s.variant_path(rid, 0).parent == s.path / "rounds" / rid
        proxy = s.proxy_path(rid, 0)
        assert proxy is None or proxy.parent == s.path / "rounds" / rid
        np.testing.assert_array_equal(s.load_variant(rid, 0), make_image(seed=1))


def test_a_mask_or_reference_outside_the_session_is_refused(
    store: SessionStore, secret: Path
) -> None:
    sid, rid, path = _round_json(store)
    doc = json.loads(path.read_text())
    doc["mask"] = "../../" + secret.name
    doc["references"] = [{"file": str(secret), "name": "bottle.png"}]
    path.write_text(json.dumps(doc))
    with store.open(sid) as s:
        record = s.round(rid)
        assert record.mask is None or "/" not in record.mask
        assert all(Path(r.file).name == r.file for r in record.references)
        assert all(ref.path != str(secret) for ref in s.load_references(rid))


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["original"].__setitem__("file", "../private.png"),
        lambda d: d.__setitem__("mask", "/etc/passwd"),
        lambda d: d.__setitem__("rounds", [".."]),
    ],
)
def test_a_session_file_naming_outside_its_folder_is_not_opened(
    store: SessionStore, secret: Path, edit: object
) -> None:
    s = store.create(make_image())
    s.close()
    meta = s.path / "session.json"
    doc = json.loads(meta.read_text())
    edit(doc)  # type: ignore[operator]
    meta.write_text(json.dumps(doc))
    with pytest.raises(StoreReadError, match="not a plain file name"):
        store.open(s.id)
