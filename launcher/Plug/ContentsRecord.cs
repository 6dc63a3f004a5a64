using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace CapOS.Launcher.Plug;

/// <summary>
/// The contents of every checkpoint the campaign's working disk may still recover (docs/plug.md, "Contents"):
/// seq -> what the workload held as its snapshot captured it, across all boots: the in-kernel mutator's (step,
/// digest) (contract K1), or for the ring-3 workload each process's last step printed before the snapshot line.
/// Invariants (ContentsRecordTests):
/// R1 the first recovery of the campaign (the image's own checkpoint, seq 1 for plug.img, never snapshotted
/// by a boot) is recorded as it recovers (what a later recovery of it shows is merged in); any other seq
/// without a record fails its recovery;
/// R2 a recovery of seq N forgets every record above N: those checkpoints never became durable on this disk
/// (the floor says so), and the boots after it take new snapshots with those numbers and other contents;
/// R3 a snapshot line sets the record of its seq.
/// A crash state booted beside the working disk (power mode) is judged against a <see cref="Copy"/>, so its
/// boot's snapshots never enter the working disk's record.
/// </summary>
/// <typeparam name="T">The workload's contents.</typeparam>
public sealed class ContentsRecord<T>
    where T : IRecordedContents<T>
{
    private readonly SortedDictionary<long, T> _bySeq;

    /// <summary>An empty record: the next recovery is the image's own checkpoint.</summary>
    public ContentsRecord()
        : this(new SortedDictionary<long, T>())
    {
    }

    private ContentsRecord(SortedDictionary<long, T> bySeq)
    {
        _bySeq = bySeq;
    }

    /// <summary>Seqs recorded.</summary>
    public int Count => _bySeq.Count;

    /// <summary>The record of <paramref name="seq"/>, if any.</summary>
    public T? For(long seq) => _bySeq.TryGetValue(seq, out T? contents) ? contents : default;

    /// <summary>Why a recovery of <paramref name="seq"/> with <paramref name="recovered"/> is wrong (R1), or null.</summary>
    public string? Check(long seq, T recovered)
    {
        if (_bySeq.TryGetValue(seq, out T? recorded))
        {
            return recovered.Differs(seq, recorded);
        }
        return _bySeq.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"recovered seq {seq} ({recovered}), a checkpoint no earlier boot snapshotted (recorded seqs {Range()})");
    }

    /// <summary>Records a recovery of <paramref name="seq"/> (R1, R2).</summary>
    public void Recovered(long seq, T contents)
    {
        foreach (long above in _bySeq.Keys.Where(k => k > seq).ToList())
        {
            _bySeq.Remove(above);
        }
        _bySeq[seq] = _bySeq.TryGetValue(seq, out T? recorded) ? contents.Merge(recorded) : contents;
    }

    /// <summary>Records a snapshot (R3).</summary>
    public void Snapshot(long seq, T contents) => _bySeq[seq] = contents;

    /// <summary>An independent copy.</summary>
    public ContentsRecord<T> Copy() => new(new SortedDictionary<long, T>(_bySeq));

    private string Range() =>
        _bySeq.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{_bySeq.Keys.First()}..{_bySeq.Keys.Last()}");
}
