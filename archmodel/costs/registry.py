"""Registry of unit cost models: mapping unit name → cost function.

Every cost function has the signature ``(chip, tiling, op, step) -> Cost``
and returns the cost of one layer for one sequence (gain-cell units) or for
the whole batch (units whose mapping says so).  A unit the mapping names but
this registry lacks is an error, never a silent zero.
"""

from __future__ import annotations

from archmodel.costs import adc, converters, digital, gaincell_arrays, pulse_circuits, retention
from archmodel.costs.gpu import gpu_kernel

UNIT_COSTS = {
    "gpu_kernel": gpu_kernel,
    "dac_write": converters.dac_write,
    "window_reload": converters.window_reload,
    "key_array_read": gaincell_arrays.key_array_read,
    "value_array_read": gaincell_arrays.value_array_read,
    "refresh": retention.refresh,
    "query_pulses": pulse_circuits.query_pulses,
    "charge_to_pulse": pulse_circuits.charge_to_pulse,
    "signed_readout": pulse_circuits.signed_readout,
    "adc_readout": adc.adc_readout,
    "digital_periphery": digital.digital_periphery,
    "interconnect": digital.interconnect,
}
