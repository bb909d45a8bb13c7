import RNNDynamics
print(BLAS.configuration)
