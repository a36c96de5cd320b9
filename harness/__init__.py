"""What the tests and the benchmarks share, kept out of the `mnist_cnn` package that training and
inference ship: digits and numbers drawn the way people make them (`people`), drawings that are not
digits (`drawings`), hostile files (`hostile`), the running app (`server`), the page in Chromium
(`page`), visitors replayed over HTTP (`visitors`), requests as they travel on the wire (`wire`), one
hostile visitor's attacks on a public link (`public_link`), what the benchmarks of the shipped model
share (`bench`), and the generator of docs/COMMANDS.md's flag tables (`commands`)."""
