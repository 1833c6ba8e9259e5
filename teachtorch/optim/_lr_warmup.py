"""Warm-up schedulers: ConstantLR and LinearLR scale the lr for the first epochs.

Imported into ``lr_scheduler``; use them from there.
Chapter 15 (optimizers) opens this file.
"""

from teachtorch.optim.lr_scheduler import LRScheduler, _lrs


class ConstantLR(LRScheduler):
    """lr = base_lr * factor until total_iters, then base_lr.

    Mirrors: torch.optim.lr_scheduler.ConstantLR
    """

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if factor > 1.0 or factor < 0:
            raise ValueError(
                "Constant multiplicative factor expected to be between 0 and 1."
            )
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return _lrs(self.optimizer)
        return [
            group["lr"] * (1.0 / self.factor) for group in self.optimizer.param_groups
        ]


class LinearLR(LRScheduler):
    """Warm-up: scale the lr linearly from start_factor to end_factor.

    Math: lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)
    Mirrors: torch.optim.lr_scheduler.LinearLR
    """

    def __init__(
        self,
        optimizer,
        start_factor=1.0 / 3,
        end_factor=1.0,
        total_iters=5,
        last_epoch=-1,
    ):
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater "
                "than 0 and less or equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                "Ending multiplicative factor expected to be between 0 and 1."
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        if self.last_epoch == 0:
            return [
                group["lr"] * self.start_factor for group in self.optimizer.param_groups
            ]
        if self._is_initial or self.last_epoch > self.total_iters:
            return _lrs(self.optimizer)
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (
            self.total_iters * self.start_factor + (self.last_epoch - 1) * change
        )
        return [group["lr"] * ratio for group in self.optimizer.param_groups]
