using System.Collections.Generic;
using System.Globalization;

namespace CapOS.Launcher.Plug;

/// <summary>
/// Every digest the ring-3 workload printed, per (process root, step), across all boots of the campaign (docs/plug.md
/// "The user workload", U3): a process's state after step S is a function of its identity and S, so every line
/// for that step must carry the same digest, whichever boot printed it and from whichever checkpoint it resumed.
/// A crash state booted beside the working disk is judged against a <see cref="Copy"/>.
/// </summary>
public sealed class DigestBook
{
    private readonly Dictionary<(ulong Root, long Step), string> _digests;

    /// <summary>An empty book.</summary>
    public DigestBook()
        : this(new Dictionary<(ulong, long), string>())
    {
    }

    private DigestBook(Dictionary<(ulong, long), string> digests)
    {
        _digests = digests;
    }

    /// <summary>Digests recorded.</summary>
    public int Count => _digests.Count;

    /// <summary>Why <paramref name="digest"/> for <paramref name="step"/> of <paramref name="root"/> is wrong, or null.</summary>
    public string? Check(ulong root, long step, string digest) =>
        _digests.TryGetValue((root, step), out string? earlier) && earlier != digest
            ? string.Create(CultureInfo.InvariantCulture,
                $"process root=0x{root:x} printed digest {digest} for step {step}, but an earlier line printed {earlier} for that step")
            : null;

    /// <summary>Records a digest (the first for its step stays).</summary>
    public void Add(ulong root, long step, string digest) => _digests.TryAdd((root, step), digest);

    /// <summary>An independent copy.</summary>
    public DigestBook Copy() => new(new Dictionary<(ulong, long), string>(_digests));
}
