using Xunit;

// The kernel's state is global (as in EROS) and the simulated machine is one
// per process, so the kernel's host tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
