using System.Globalization;

namespace CapOS.Launcher.Plug;

/// <summary>What the in-kernel mutator's structure held at a checkpoint (contract K1/K2, docs/plug.md): its
/// step and a digest of the whole structure (counter page, ring nodes, data pages, the allocation counts of
/// the objects it rescinds).</summary>
/// <param name="Step">The mutator's step.</param>
/// <param name="Digest">16 lowercase hex digits.</param>
public sealed record MutatorContents(long Step, string Digest) : IRecordedContents<MutatorContents>
{
    /// <inheritdoc/>
    public string? Differs(long seq, MutatorContents recorded) =>
        recorded == this ? null : string.Create(CultureInfo.InvariantCulture,
            $"recovered seq {seq} holds {this}, but its snapshot held {recorded}: the checkpoint's contents are wrong");

    /// <inheritdoc/>
    public MutatorContents Merge(MutatorContents recorded) => recorded;

    /// <summary>E.g. <c>step 40 digest 0123456789abcdef</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"step {Step} digest {Digest}");
}
