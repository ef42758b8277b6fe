from sacred import Experiment
ex = Experiment("mnist_cnn")
