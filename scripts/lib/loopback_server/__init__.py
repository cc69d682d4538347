"""What the loopback test servers (Graph, Kong, Tyk, Anypoint) share: HTTP plumbing, faults, statistics,
the control API's common knobs, the command-line pieces and the private file writer."""
