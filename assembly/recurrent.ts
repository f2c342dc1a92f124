// Recurrent cell kernels.
