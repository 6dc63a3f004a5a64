using System.Collections.Generic;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>The words for key types and rights, shared by the description language and the dump.</summary>
internal static class KeyNames
{
    private static readonly Dictionary<string, KeyType> s_byName = new(System.StringComparer.Ordinal)
    {
        ["void"] = KeyType.Void,
        ["start"] = KeyType.Start,
        ["resume"] = KeyType.Resume,
        ["page"] = KeyType.Page,
        ["node"] = KeyType.Node,
        ["segment"] = KeyType.Segment,
        ["process"] = KeyType.Process,
        ["wrapper"] = KeyType.Wrapper,
        ["number"] = KeyType.Number,
        ["range"] = KeyType.Range,
        ["prime-range"] = KeyType.PrimeRange,
        ["physical-range"] = KeyType.PhysicalRange,
        ["device"] = KeyType.Device,
        ["sched"] = KeyType.Sched,
        ["console"] = KeyType.Console,
        ["sleep"] = KeyType.Sleep,
        ["checkpoint"] = KeyType.Checkpoint,
        ["discrim"] = KeyType.Discrim,
        ["keybits"] = KeyType.KeyBits,
        ["process-tool"] = KeyType.ProcessTool,
        ["sched-creator"] = KeyType.SchedCreator,
        ["systrace"] = KeyType.SysTrace,
        ["device-privileges"] = KeyType.DevicePrivileges,
    };

    /// <summary>The type a word names.</summary>
    public static bool TryParse(string word, out KeyType type) => s_byName.TryGetValue(word, out type);

    /// <summary>The word for a type (undefined values: "type-N").</summary>
    public static string Name(KeyType type)
    {
        foreach (KeyValuePair<string, KeyType> pair in s_byName)
        {
            if (pair.Value == type)
            {
                return pair.Key;
            }
        }

        return $"type-{(byte)type}";
    }

    /// <summary>The rights words in bit order: ro weak nocall opaque.</summary>
    public static readonly (string Word, KeyRights Right)[] Rights =
    {
        ("ro", KeyRights.ReadOnly),
        ("weak", KeyRights.Weak),
        ("nocall", KeyRights.NoCall),
        ("opaque", KeyRights.Opaque),
    };
}
