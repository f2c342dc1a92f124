// Optimizer updates and gradient clipping (filled in by the training work).
