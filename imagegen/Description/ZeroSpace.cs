using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>
/// The primordial zero space (docs/imagegen.md "The zero space"; EROS's primordial zero segments, which its virtual
/// copy keeper fills new address space from): <c>zero-space NAME</c> declares a zero page <c>NAME/page</c> and nodes
/// <c>NAME/h1</c>..<c>NAME/h7</c>. Every slot of <c>NAME/h1</c> holds a read-only page key to the zero page; every
/// slot of <c>NAME/hk</c> (k ≥ 2) holds a weak, read-only, no-call segment key of height k-1 to <c>NAME/h(k-1)</c>.
/// So every address of a height-k segment over <c>NAME/hk</c> reads zero and none can be written, and its 8 objects
/// stand for 2^47 bytes of zeros.
/// </summary>
/// <remarks>
/// The key <c>zero-space NAME height H</c> names it: H = 1..7 a weak, read-only, no-call segment key of height H to
/// <c>NAME/hH</c>; H = 0 the read-only page key to the zero page. Weak and no-call: a holder of a zero-space key can
/// neither write into it nor reach a keeper through it, and what it fetches from it is as weak (DiscrimKey: such a
/// key is discreet).
/// </remarks>
internal static class ZeroSpace
{
    /// <summary>The greatest height: a height-7 segment spans the 2^47-byte user half (docs/process.md).</summary>
    public const int MaxHeight = 7;

    /// <summary>Rights of every segment key in and to the zero space.</summary>
    public const KeyRights SegmentRights = KeyRights.ReadOnly | KeyRights.Weak | KeyRights.NoCall;

    /// <summary>The name of the zero page of zero space <paramref name="name"/>.</summary>
    public static string PageName(string name) => name + "/page";

    /// <summary>The name of the height-<paramref name="height"/> node of zero space <paramref name="name"/>.</summary>
    public static string NodeName(string name, int height) => $"{name}/h{height}";

    /// <summary>Declares the zero page, then the nodes of heights 1..7 (in that order).</summary>
    public static void Declare(Token name, SystemDescription description)
    {
        var page = new PageSpec(PageName(name.Text), name.Position, description.Objects.Count);
        description.Declare(page);
        for (int height = 1; height <= MaxHeight; height++)
        {
            var node = new NodeSpec(NodeName(name.Text, height), name.Position, description.Objects.Count);
            for (int slot = 0; slot < DiskNode.SlotCount; slot++)
            {
                node.Slots[slot] = Key(name.Text, height - 1, name.Position, name.Position);
            }

            description.Declare(node);
        }
    }

    /// <summary>The key <c>zero-space NAME height H</c>: height 0 the read-only zero page key, else the weak read-only no-call segment key.</summary>
    public static KeySpec Key(string name, int height, SourcePosition position, SourcePosition targetPosition) => height == 0
        ? new KeySpec(KeyType.Page, position) { Target = PageName(name), TargetPosition = targetPosition, Rights = KeyRights.ReadOnly, ZeroSpace = name }
        : new KeySpec(KeyType.Segment, position)
        {
            Target = NodeName(name, height), TargetPosition = targetPosition, Rights = SegmentRights, KeyData = (ushort)height, ZeroSpace = name,
        };
}
