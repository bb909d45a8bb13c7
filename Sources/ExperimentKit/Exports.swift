// An experiment's result is a `Dataset` and a `FigureSpec`: every experiment sees the figure vocabulary.
@_exported import FigureData
