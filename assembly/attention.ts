// Attention scores, softmax and context, forward and backward (filled in by the seq2seq work).
