using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The key half of `check`: every object key of every node (as recovery sees it) names an OID in an object
/// range of its target's kind; its AllocCount (resume: CallCount) equals the target's (a lower count is a
/// stale, void key: warning; a higher one cannot arise: fault). Restart entries name nodes.
/// </summary>
internal static unsafe class KeyCheck
{
    public static void Run(VolumeImage image, List<Finding> findings)
    {
        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            RangeDescriptor* r = VolumeHeader.Range(image.Header, i);
            for (ulong n = 0; r->Kind == RangeKind.NodeRange && n < r->OidCount; n++)
            {
                Oid oid = r->FirstOid.Add(n);
                DiskNode* node = image.Node(oid, out _);
                for (int s = 0; s < DiskNode.SlotCount; s++)
                {
                    CheckKey(image, DiskNode.Slot(node, s), $"node oid=0x{oid.Value:x} slot {s}", findings);
                }
            }
        }

        CheckpointHeader* header = image.Chosen;
        for (int r = 0; r < header->RestartCount && r < CheckpointHeader.RestartCapacity; r++)
        {
            RestartEntry* entry = CheckpointHeader.Restart(header, r);
            if (image.Node(entry->Oid, out _) is null)
            {
                findings.Add(new Finding(FindingKind.Fault, $"restart {r}: oid=0x{entry->Oid.Value:x} is not a node"));
            }
        }
    }

    private static void CheckKey(VolumeImage image, DiskKey* key, string where, List<Finding> findings)
    {
        if (!KeyTypes.IsObject(key->Type) || key->Oid.IsNull)
        {
            return;
        }

        ObType target = KeyTypes.TargetType(key->Type);
        RangeKind kind = target == ObType.Page ? RangeKind.PageRange : RangeKind.NodeRange;
        FormatError error = VolumeLayout.Locate(image.Header, key->Oid, kind, out _);
        if (error != FormatError.None)
        {
            findings.Add(new Finding(FindingKind.Fault, $"{where}: {KeyText.Format(key)}: {FormatErrors.Name(error)}"));
            return;
        }

        uint current;
        if (target == ObType.Page)
        {
            image.TryPage(key->Oid, out current, out _, out _);
        }
        else
        {
            DiskNode* node = image.Node(key->Oid, out _);
            current = key->Type == KeyType.Resume ? node->CallCount : node->AllocCount;
        }

        string count = key->Type == KeyType.Resume ? "CallCount" : "AllocCount";
        if (key->AllocCount > current)
        {
            findings.Add(new Finding(FindingKind.Fault, $"{where}: {KeyText.Format(key)}: {count} above the object's ({current})"));
        }
        else if (key->AllocCount < current)
        {
            findings.Add(new Finding(FindingKind.Warning, $"{where}: {KeyText.Format(key)}: stale key, void ({count} below the object's {current})"));
        }
    }
}
