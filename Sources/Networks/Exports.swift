// Networks train on sequence batches and population correlations with an output mode: every client of a network
// sees that data vocabulary.
@_exported import SequenceData
