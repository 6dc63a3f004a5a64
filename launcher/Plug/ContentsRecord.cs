using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace CapOS.Launcher.Plug;

/// <summary>
/// The contents of every checkpoint the campaign's working disk may still recover (docs/plug.md, "Contents"):
/// seq -> the mutator's (step, digest) as its snapshot captured them (contract K1), across all boots.
/// Invariants (ContentsRecordTests):
/// R1 the first recovery of the campaign (the image's own checkpoint, seq 1 for plug.img, never snapshotted
/// by a boot) is recorded as it recovers; any other seq without a record fails its recovery;
/// R2 a recovery of seq N forgets every record above N: those checkpoints never became durable on this disk
/// (the floor says so), and the boots after it take new snapshots with those numbers and other contents;
/// R3 a snapshot line sets the record of its seq.
/// A crash state booted beside the working disk (power mode) is judged against a <see cref="Copy"/>, so its
/// boot's snapshots never enter the working disk's record.
/// </summary>
public sealed class ContentsRecord
{
    private readonly SortedDictionary<long, MutatorContents> _bySeq;

    /// <summary>An empty record: the next recovery is the image's own checkpoint.</summary>
    public ContentsRecord()
        : this(new SortedDictionary<long, MutatorContents>())
    {
    }

    private ContentsRecord(SortedDictionary<long, MutatorContents> bySeq)
    {
        _bySeq = bySeq;
    }

    /// <summary>Seqs recorded.</summary>
    public int Count => _bySeq.Count;

    /// <summary>The record of <paramref name="seq"/>, if any.</summary>
    public MutatorContents? For(long seq) => _bySeq.TryGetValue(seq, out MutatorContents contents) ? contents : null;

    /// <summary>Why a recovery of <paramref name="seq"/> with <paramref name="recovered"/> is wrong (R1), or null.</summary>
    public string? Check(long seq, MutatorContents recovered)
    {
        if (_bySeq.TryGetValue(seq, out MutatorContents recorded))
        {
            return recorded == recovered
                ? null
                : string.Create(CultureInfo.InvariantCulture,
                    $"recovered seq {seq} holds {recovered}, but its snapshot held {recorded}: the checkpoint's contents are wrong");
        }
        return _bySeq.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"recovered seq {seq} ({recovered}), a checkpoint no earlier boot snapshotted (recorded seqs {Range()})");
    }

    /// <summary>Records a recovery of <paramref name="seq"/> (R1, R2).</summary>
    public void Recovered(long seq, MutatorContents contents)
    {
        foreach (long above in _bySeq.Keys.Where(k => k > seq).ToList())
        {
            _bySeq.Remove(above);
        }
        _bySeq.TryAdd(seq, contents);
    }

    /// <summary>Records a snapshot (R3).</summary>
    public void Snapshot(long seq, MutatorContents contents) => _bySeq[seq] = contents;

    /// <summary>An independent copy.</summary>
    public ContentsRecord Copy() => new(new SortedDictionary<long, MutatorContents>(_bySeq));

    private string Range() =>
        _bySeq.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{_bySeq.Keys.First()}..{_bySeq.Keys.Last()}");
}
