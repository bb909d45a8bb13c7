import RNNDynamics
print("rnndyn")
