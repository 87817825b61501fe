"""I420 program frames: layout, conversions, scaling and the preview."""

from __future__ import annotations

import numpy as np
import pytest

from videohelp.streaming import frames
from videohelp.streaming.sources import TestPatternSource


def test_planes_are_views_in_ffmpegs_yuv420p_layout() -> None:
    frame = frames.blank(8, 4)
    assert frame.shape == (6, 8)
    luma, cb, cr = frames.planes(frame)
    assert (luma.shape, cb.shape, cr.shape) == ((4, 8), (2, 4), (2, 4))
    luma[:], cb[:], cr[:] = 1, 2, 3
    # Y rows, then U's 8 samples in one row, then V's: yuv420p as FFmpeg stores it.
    assert frame[:4].tolist() == [[1] * 8] * 4
    assert frame[4].tolist() == [2] * 8 and frame[5].tolist() == [3] * 8
    with pytest.raises(ValueError, match="contiguous"):
        frames.planes(np.zeros((12, 16), np.uint8)[:, ::2])


def test_bgr_round_trip_keeps_flat_colours() -> None:
    bgr = np.zeros((64, 96, 3), np.uint8)
    bgr[:, :32] = (0, 0, 255)
    bgr[:, 32:64] = (40, 200, 90)
    bgr[:, 64:] = (128, 128, 128)
    back = frames.to_bgr(frames.from_bgr(bgr)).astype(int)
    # Away from the two edges (chroma is shared across 2x2 pixels), within rounding.
    for columns in (slice(0, 30), slice(34, 62), slice(66, 96)):
        assert np.abs(back[:, columns] - bgr[:, columns]).max() <= 2


@pytest.mark.parametrize(("width", "height"), [(0, 4), (7, 4), (8, 5), (-2, 4)])
def test_sizes_i420_cannot_carry_are_refused(width, height) -> None:
    with pytest.raises(frames.FrameSizeError, match="even"):
        frames.blank(width, height)
    with pytest.raises(frames.FrameSizeError):
        TestPatternSource(width, height)


def test_resize_scales_each_plane_and_keeps_the_picture() -> None:
    source = frames.from_bgr(frames.to_bgr(TestPatternSource(640, 360).read()))
    smaller = frames.resize(source, 320, 180)
    assert smaller.shape == (270, 320) and frames.frame_size(smaller) == (320, 180)
    assert frames.resize(source, 640, 360) is source  # same size: no copy
    expected = frames.to_bgr(source)[100, ::2].astype(int)  # a row inside the bars
    got = frames.to_bgr(smaller)[50].astype(int)
    assert np.abs(got[10:-10] - expected[10:-10]).mean() < 8


def test_the_preview_is_a_small_bgr_picture_of_the_frame() -> None:
    frame = TestPatternSource(1280, 720).read()
    preview = frames.preview_bgr(frame, 640)
    assert preview.shape == (360, 640, 3) and preview.dtype == np.uint8
    full = frames.to_bgr(frame)
    # The bars, sampled in the middle of each: same colours as the full frame.
    for index in range(7):
        x = int((index + 0.5) * 640 / 7)
        assert np.abs(preview[150, x].astype(int) - full[300, x * 2].astype(int)).max() <= 4


def test_frame_pool_reuses_a_buffer_only_once_nobody_holds_it() -> None:
    pool = frames.FramePool(keep=3)
    base = frames.blank(16, 8, y=50)
    first = pool.copy(base)
    assert np.array_equal(first, base) and first is not base
    first_id = id(first)
    held_plane = frames.planes(first)[0]  # a view keeps its frame alive
    del first
    second = pool.copy(base)
    assert id(second) != first_id  # the view still holds the first frame
    second[:] = 0
    assert held_plane.min() == 50  # drawing on the new frame never touches the held one
    del held_plane
    reused = pool.copy(base)
    assert id(reused) == first_id and np.array_equal(reused, base)
    # Everything held: a new buffer every time, the pool keeps at most ``keep``.
    held = [pool.copy(base) for _ in range(5)]
    assert len({id(frame) for frame in [*held, second, reused]}) == 7
    assert len(pool._frames) == 3
    # Another size is another buffer.
    assert pool.copy(frames.blank(8, 4)).shape == (6, 8)


def test_test_pattern_frames_are_fresh_for_each_reader_that_keeps_one() -> None:
    source = TestPatternSource(64, 36)
    kept = source.read()
    kept[:] = 0  # the program draws on its frame; the next read must not show it
    following = source.read()
    assert following is not kept and following.max() > 0
    before = following.copy()
    del kept
    third = source.read()  # may reuse the released buffer, never the held one
    assert third is not following and np.array_equal(following, before)
