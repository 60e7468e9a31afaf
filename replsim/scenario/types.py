"""Field types shared by the scenario schema: quantities with units, strict models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from replsim import units

Duration = Annotated[float, BeforeValidator(units.duration_s), Field(ge=0)]
Size = Annotated[float, BeforeValidator(units.size_bytes), Field(gt=0)]
Rate = Annotated[float, BeforeValidator(units.rate_bytes_per_s), Field(gt=0)]
Distance = Annotated[float, BeforeValidator(units.distance_km), Field(ge=0)]


class Strict(BaseModel):
    """Unknown keys are errors; specs are immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


