// word2vec training kernels (filled in by the word2vec work).
