"""What the tests and the benchmarks share, kept out of the `mnist_cnn` package that training and
inference ship: digits and numbers drawn the way people make them (`people`), drawings that are not
digits (`drawings`), hostile files (`hostile`), the running app (`server`) and the page in Chromium
(`page`)."""
