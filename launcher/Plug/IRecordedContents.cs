namespace CapOS.Launcher.Plug;

/// <summary>What a workload's checkpoint held, as <see cref="ContentsRecord{T}"/> keeps it per seq: the in-kernel
/// mutator's (step, digest) (<see cref="MutatorContents"/>) or the ring-3 processes' steps (<see cref="WorkloadSteps"/>).</summary>
/// <typeparam name="T">The implementing type.</typeparam>
public interface IRecordedContents<T>
    where T : IRecordedContents<T>
{
    /// <summary>Why these contents, recovered from <paramref name="seq"/>, are not <paramref name="recorded"/>; null
    /// if they agree (as far as both are known).</summary>
    string? Differs(long seq, T recorded);

    /// <summary>The record after a recovery showed these contents over <paramref name="recorded"/> (R1).</summary>
    T Merge(T recorded);
}
