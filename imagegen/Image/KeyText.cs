using System.Text;
using CapOS.ImageGen.Description;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// One key as dump prints it, in the words of the description language: <c>node oid=0x1001 ac=0 ro</c>,
/// <c>number 0x1 0x2 0x3</c>, <c>start oid=0x1002 ac=0 keyinfo=5</c>, <c>console</c>.
/// </summary>
internal static unsafe class KeyText
{
    public static string Format(DiskKey* key)
    {
        var text = new StringBuilder(KeyNames.Name(key->Type));
        KeyType type = key->Type;
        if (KeyTypes.IsObject(type))
        {
            text.Append($" oid=0x{key->Oid.Value:x} {(type == KeyType.Resume ? "cc" : "ac")}={key->AllocCount}");
        }
        else if (type == KeyType.Number)
        {
            text.Append($" 0x{key->Word0:x} 0x{key->Word1:x} 0x{key->Word2:x}");
        }
        else if (type == KeyType.Range)
        {
            text.Append($" first=0x{key->Oid.Value:x} count={key->Word2}");
        }
        else if (KeyTypes.IsNumberLike(type) && (key->Word0 | key->Word1 | key->Word2) != 0)
        {
            text.Append($" payload=0x{key->Word0:x} 0x{key->Word1:x} 0x{key->Word2:x}");
        }

        string data = type switch
        {
            KeyType.Segment => "height",
            KeyType.Start => "keyinfo",
            KeyType.Sched => "priority",
            KeyType.Device => "class",
            _ => "data",
        };
        if (key->KeyData != 0 || type == KeyType.Segment)
        {
            text.Append($" {data}={key->KeyData}");
        }

        foreach ((string word, KeyRights right) in KeyNames.Rights)
        {
            if ((key->Rights & right) != 0)
            {
                text.Append(' ').Append(word);
            }
        }

        byte other = (byte)((byte)key->Rights & ~(byte)KeyRights.All);
        if (other != 0)
        {
            text.Append($" bits=0x{other:x2}");
        }

        return text.ToString();
    }
}
