"""Measurements → calibrations: fitting, prediction, and the GPU measurement harness.

- :mod:`~archmodel.measure.fit`: parameters of measured, predicted and assumed calibrations;
- :mod:`~archmodel.measure.public`: published whole-model points: predictions, the ``published`` fit, validation;
- :mod:`~archmodel.measure.calibrate`: recompute a calibration file's parameters, atomic writes;
- :mod:`~archmodel.measure.power`, :mod:`~archmodel.measure.methods`,
  :mod:`~archmodel.measure.harness`: run the benchmark (``archmodel measure-gpu``);
- :mod:`~archmodel.measure.torch_runner`: the PyTorch decode loop (optional extra ``gpu``).
"""

from archmodel.measure.calibrate import recalibrate
from archmodel.measure.fit import assumed_parameters, fit_calibration, transfer_calibration

__all__ = ["assumed_parameters", "fit_calibration", "recalibrate", "transfer_calibration"]
