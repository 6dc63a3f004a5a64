using System;
using System.Collections.Generic;
using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The authority check of <c>./capos fuzz</c> (docs/fuzz.md "The authority check"; EROS: a process's authority
/// is what its keys reach): every object whose state differs between a pristine image and the same volume after
/// a run (both as recovery sees them) must be reachable from the given roots in the pristine image's key graph.
/// Reachability follows every object and gate key (node, segment, process, wrapper, start, resume: the node they
/// name; page: the page) whose count is current, through every slot of every node reached. A range key reaches
/// its whole range (a space bank's: the free OIDs it allocates from); a prime or physical range key, or a range
/// of more than 2^20 OIDs, is refused (its reach could not be bounded usefully).
/// </summary>
/// <remarks>
/// The closure over the pristine graph bounds what the roots can ever reach: keys only move along keys, and the
/// only new objects (a space bank's) come from a range key in the closure, so anything outside it that changed
/// was changed by authority the roots never had. A start key is followed into its process (an upper bound: the
/// server acts for its callers).
/// </remarks>
internal static unsafe class AuthorityCheck
{
    /// <summary>What the comparison found.</summary>
    public sealed record Result(int ReachableNodes, int ReachablePages, int ChangedNodes, int ChangedPages, IReadOnlyList<string> Outside, string? Refusal);

    /// <summary>Compares <paramref name="final"/> with <paramref name="pristine"/>, rooted at the restart entries <paramref name="roots"/> of the pristine image.</summary>
    public static Result Run(VolumeImage pristine, VolumeImage final, IReadOnlyList<int> roots)
    {
        if (pristine.Refused || final.Refused)
        {
            return Refuse($"an image cannot be recovered: {(pristine.Refused ? "pristine" : "final")}");
        }

        var queue = new Queue<(ObType Type, Oid Oid)>();
        var seen = new HashSet<(ObType, ulong)>();
        foreach (int index in roots)
        {
            if (index < 0 || index >= pristine.Chosen->RestartCount)
            {
                return Refuse($"restart entry {index} does not exist");
            }

            Oid root = CheckpointHeader.Restart(pristine.Chosen, index)->Oid;
            if (seen.Add((ObType.Node, root.Value)))
            {
                queue.Enqueue((ObType.Node, root));
            }
        }

        while (queue.Count > 0)
        {
            (ObType type, Oid oid) = queue.Dequeue();
            if (type != ObType.Node)
            {
                continue;
            }

            DiskNode* node = pristine.Node(oid, out _);
            for (int s = 0; s < DiskNode.SlotCount && node is not null; s++)
            {
                DiskKey* key = DiskNode.Slot(node, s);
                if (key->Type == KeyType.Range && key->AllocCount <= MaxRange)
                {
                    Reach(key->Oid.Value, key->AllocCount, seen, queue);
                    continue;
                }

                if (key->Type is KeyType.Range or KeyType.PrimeRange or KeyType.PhysicalRange)
                {
                    return Refuse($"node oid=0x{oid.Value:x} slot {s} holds a {key->Type} key: its reach cannot be bounded");
                }

                if (KeyTypes.IsObject(key->Type) && Current(pristine, key) && seen.Add((KeyTypes.TargetType(key->Type), key->Oid.Value)))
                {
                    queue.Enqueue((KeyTypes.TargetType(key->Type), key->Oid));
                }
            }
        }

        var outside = new List<string>();
        int changedNodes = 0, changedPages = 0, reachableNodes = 0, reachablePages = 0;
        foreach ((ObType t, ulong _) in seen)
        {
            reachableNodes += t == ObType.Node ? 1 : 0;
            reachablePages += t == ObType.Page ? 1 : 0;
        }

        foreach (Oid oid in Oids(pristine, RangeKind.NodeRange))
        {
            string? change = NodeChange(pristine.Node(oid, out _), final.Node(oid, out _));
            if (change is not null)
            {
                changedNodes++;
                if (!seen.Contains((ObType.Node, oid.Value)))
                {
                    outside.Add($"node oid=0x{oid.Value:x}: {change}");
                }
            }
        }

        foreach (Oid oid in Oids(pristine, RangeKind.PageRange))
        {
            string? change = PageChange(pristine, final, oid);
            if (change is not null)
            {
                changedPages++;
                if (!seen.Contains((ObType.Page, oid.Value)))
                {
                    outside.Add($"page oid=0x{oid.Value:x}: {change}");
                }
            }
        }

        return new Result(reachableNodes, reachablePages, changedNodes, changedPages, outside, null);
    }

    /// <summary>Prints the result (docs/fuzz.md "The authority check"); the exit code: 0 nothing outside changed, 1 otherwise.</summary>
    public static int Write(Result result, IReadOnlyList<int> roots, TextWriter output)
    {
        if (result.Refusal is not null)
        {
            output.WriteLine($"authority: refused: {result.Refusal}");
            return 1;
        }

        output.WriteLine($"authority: roots={string.Join(',', roots)} reachable nodes={result.ReachableNodes} pages={result.ReachablePages} changed nodes={result.ChangedNodes} pages={result.ChangedPages} outside={result.Outside.Count}");
        foreach (string line in result.Outside)
        {
            output.WriteLine($"authority: changed outside the roots' reach: {line}");
        }

        return result.Outside.Count == 0 ? 0 : 1;
    }

    /// <summary>The largest range key followed OID by OID (a space bank's free ranges are far smaller).</summary>
    private const uint MaxRange = 1 << 20;

    /// <summary>A range key reaches every object of its range [first, first + count) (docs/invocation.md "Range key":
    /// it makes keys to them and rescinds them): as a node or a page, whichever the OID is.</summary>
    private static void Reach(ulong first, uint count, HashSet<(ObType, ulong)> seen, Queue<(ObType Type, Oid Oid)> queue)
    {
        for (ulong oid = first; oid < first + count; oid++)
        {
            seen.Add((ObType.Page, oid));
            if (seen.Add((ObType.Node, oid)))
            {
                queue.Enqueue((ObType.Node, new Oid(oid)));
            }
        }
    }

    private static Result Refuse(string why) => new(0, 0, 0, 0, [], why);

    private static bool Current(VolumeImage image, DiskKey* key)
    {
        if (KeyTypes.TargetType(key->Type) == ObType.Page)
        {
            return image.TryPage(key->Oid, out uint pageCount, out _, out _) && pageCount == key->AllocCount;
        }

        DiskNode* node = image.Node(key->Oid, out _);
        return node is not null && (key->Type == KeyType.Resume || node->AllocCount == key->AllocCount);
    }

    private static IEnumerable<Oid> Oids(VolumeImage image, RangeKind kind)
    {
        var oids = new List<Oid>();
        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(image.Header, i);
            for (ulong n = 0; r->Kind == kind && n < r->OidCount; n++)
            {
                oids.Add(r->FirstOid.Add(n));
            }
        }

        return oids;
    }

    private static string? NodeChange(DiskNode* before, DiskNode* after)
    {
        if (before is null || after is null)
        {
            return before == after ? null : "present in one image only";
        }

        if (before->AllocCount != after->AllocCount)
        {
            return $"AllocCount {before->AllocCount} -> {after->AllocCount}";
        }

        if (before->CallCount != after->CallCount)
        {
            return $"CallCount {before->CallCount} -> {after->CallCount}";
        }

        for (int s = 0; s < DiskNode.SlotCount; s++)
        {
            var a = new ReadOnlySpan<byte>(DiskNode.Slot(before, s), DiskKey.Size);
            var b = new ReadOnlySpan<byte>(DiskNode.Slot(after, s), DiskKey.Size);
            if (!a.SequenceEqual(b))
            {
                return $"slot {s} changed";
            }
        }

        return null;
    }

    private static string? PageChange(VolumeImage pristine, VolumeImage final, Oid oid)
    {
        bool was = pristine.TryPage(oid, out uint countBefore, out byte* before, out _);
        bool now = final.TryPage(oid, out uint countAfter, out byte* after, out _);
        if (!was || !now)
        {
            return was == now ? null : "present in one image only";
        }

        if (countBefore != countAfter)
        {
            return $"AllocCount {countBefore} -> {countAfter}";
        }

        var a = before is null ? new ReadOnlySpan<byte>(new byte[DiskLayout.PageSize]) : new ReadOnlySpan<byte>(before, DiskLayout.PageSize);
        var b = after is null ? new ReadOnlySpan<byte>(new byte[DiskLayout.PageSize]) : new ReadOnlySpan<byte>(after, DiskLayout.PageSize);
        return a.SequenceEqual(b) ? null : "content changed";
    }
}
