"""The tablet pressure curve: monotone, bounded, honours target and minimum size, round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.core.selection import PressureCurve, PressureTarget, pressure_factors

unit = st.floats(0.0, 1.0)
inside = st.floats(0.02, 0.98)
curves = st.builds(
    PressureCurve,
    target=st.sampled_from(PressureTarget),
    gamma=st.floats(0.1, 10.0),
    midpoint=st.none() | st.tuples(inside, inside),
    minimum_size=unit,
)


@given(curves, unit, unit)
def test_more_pressure_never_gives_a_smaller_or_fainter_dab(
    curve: PressureCurve, p: float, q: float
) -> None:
    lo, hi = sorted((p, q))
    size_lo, opacity_lo = pressure_factors(curve, lo)
    size_hi, opacity_hi = pressure_factors(curve, hi)
    assert size_lo <= size_hi + 1e-12 and opacity_lo <= opacity_hi + 1e-12
    assert curve.minimum_size - 1e-12 <= size_lo <= 1.0 and 0.0 <= opacity_lo <= 1.0


@given(curves)
def test_full_pressure_is_the_full_brush_and_no_pressure_the_minimum(curve: PressureCurve) -> None:
    assert pressure_factors(curve, 1.0) == pytest.approx((1.0, 1.0))
    size, opacity = pressure_factors(curve, 0.0)
    drives_size = curve.target is not PressureTarget.OPACITY
    drives_opacity = curve.target is not PressureTarget.SIZE
    assert size == pytest.approx(curve.minimum_size if drives_size else 1.0)
    assert opacity == pytest.approx(0.0 if drives_opacity else 1.0)


@given(curves)
def test_settings_round_trip_through_preferences(curve: PressureCurve) -> None:
    assert PressureCurve.from_dict(curve.to_dict()) == curve


def test_the_three_point_curve_passes_through_its_middle_point_and_gamma_bends() -> None:
    curve = PressureCurve(midpoint=(0.3, 0.7))
    assert curve.curve(0.3) == pytest.approx(0.7)
    assert PressureCurve(gamma=2.0).curve(0.5) == pytest.approx(0.25)
    assert PressureCurve(gamma=0.5).curve(0.25) == pytest.approx(0.5)


def test_bad_preferences_give_a_clear_message_and_missing_ones_the_defaults() -> None:
    assert PressureCurve.from_dict({"unknown": 1}) == PressureCurve()
    with pytest.raises(ValueError, match="pressure settings are not usable"):
        PressureCurve.from_dict({"target": "volume"})
    with pytest.raises(ValueError, match="gamma"):
        PressureCurve.from_dict({"gamma": 0})
    with pytest.raises(ValueError, match="middle point"):
        PressureCurve.from_dict({"midpoint": [1.5, 0.2]})
