using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Parses the key after <c>slot N =</c> (docs/imagegen.md "Keys"):
/// object keys <c>node|segment|process|wrapper|start|resume|page &lt;name&gt; [ro] [weak] [nocall] [opaque]
/// [alloc N] [height H] [keyinfo K] [call N]</c>; <c>number [w0 [w1 [w2]]]</c>; <c>range &lt;first-oid&gt; &lt;count&gt;</c>, <c>range free-pages|free-nodes</c> (the undeclared rest of that object range);
/// <c>sched|device &lt;n&gt;</c>; <c>prime-range</c>, <c>physical-range</c>; kernel keys by name with optional <c>data N</c>; <c>void</c>;
/// <c>template &lt;name&gt;</c> and <c>template-entry &lt;name&gt;</c> (<see cref="TemplateSpec"/>);
/// <c>zero-space &lt;name&gt; height H</c> (<see cref="ZeroSpace"/>).
/// </summary>
internal static class KeyParser
{
    public static KeySpec? Parse(TokenCursor line)
    {
        Token word = line.Word("a key");
        if (word.Text is "template" or "template-entry")
        {
            return TemplateKey(word, line);
        }

        if (word.Text == "zero-space")
        {
            Token name = line.Word("a zero space's name");
            line.Expect("height");
            int height = (int)line.Number("a zero-space height", ZeroSpace.MaxHeight);
            return ZeroSpace.Key(name.Text, height, word.Position, name.Position);
        }

        if (!KeyNames.TryParse(word.Text, out KeyType type))
        {
            throw new DescriptionException(word.Position, $"unknown key type '{word.Text}'");
        }

        var key = new KeySpec(type, word.Position);
        if (type == KeyType.Void)
        {
            return null;
        }

        if (KeyTypes.IsObject(type))
        {
            ParseObjectKey(key, line);
        }
        else if (KeyTypes.IsNumberLike(type))
        {
            ParseNumberLike(key, line);
        }
        else
        {
            if (line.Accept("data"))
            {
                key.KeyData = (ushort)line.Number("key data", ushort.MaxValue);
            }
        }

        return key;
    }

    /// <summary><c>template NAME</c>: the template key (TemplateSpec T2); <c>template-entry NAME</c>: its entry number key.</summary>
    private static KeySpec TemplateKey(Token word, TokenCursor line)
    {
        Token name = line.Word("a template's name");
        if (word.Text == "template")
        {
            return new KeySpec(KeyType.Segment, word.Position)
            {
                Target = $"{name.Text}/seg@0x0:h{TemplateSpec.Height}",
                TargetPosition = name.Position,
                Rights = TemplateSpec.Rights,
                KeyData = TemplateSpec.Height,
                Template = name.Text,
            };
        }

        return new KeySpec(KeyType.Number, word.Position) { TemplateEntry = name.Text, TargetPosition = name.Position };
    }

    private static void ParseObjectKey(KeySpec key, TokenCursor line)
    {
        Token target = line.Word("the target's name");
        key.Target = target.Text;
        key.TargetPosition = target.Position;
        while (!line.AtEnd)
        {
            Token option = line.Word("a key option");
            if (TryRight(option.Text, out KeyRights right))
            {
                key.Rights |= right;
                continue;
            }

            switch (option.Text)
            {
                case "alloc" when key.Type != KeyType.Resume:
                    key.CountOverride = (uint)line.Number("an AllocCount", uint.MaxValue);
                    break;
                case "call" when key.Type == KeyType.Resume:
                    key.CountOverride = (uint)line.Number("a CallCount", uint.MaxValue);
                    break;
                case "height" when key.Type == KeyType.Segment:
                    key.KeyData = (ushort)line.Number("a segment height", byte.MaxValue);
                    break;
                case "keyinfo" when key.Type == KeyType.Start:
                    key.KeyData = (ushort)line.Number("key info", ushort.MaxValue);
                    break;
                default:
                    throw new DescriptionException(option.Position, $"'{option.Text}' is not an option of a {KeyNames.Name(key.Type)} key");
            }
        }
    }

    private static bool TryRight(string word, out KeyRights right)
    {
        foreach ((string name, KeyRights value) in KeyNames.Rights)
        {
            if (name == word)
            {
                right = value;
                return true;
            }
        }

        right = KeyRights.None;
        return false;
    }

    private static void ParseNumberLike(KeySpec key, TokenCursor line)
    {
        switch (key.Type)
        {
            case KeyType.Number:
                key.Word0 = line.AtEnd ? 0 : (uint)line.Number("word 0", uint.MaxValue);
                key.Word1 = line.AtEnd ? 0 : (uint)line.Number("word 1", uint.MaxValue);
                key.Word2 = line.AtEnd ? 0 : (uint)line.Number("word 2", uint.MaxValue);
                break;
            case KeyType.Range when line.Accept("free-pages"):
                key.FreeOf = ObType.Page;
                break;
            case KeyType.Range when line.Accept("free-nodes"):
                key.FreeOf = ObType.Node;
                break;
            case KeyType.Range:
                ulong first = line.Number("the first OID", ulong.MaxValue);
                key.Word0 = (uint)first;
                key.Word1 = (uint)(first >> 32);
                key.Word2 = (uint)line.Number("an OID count", uint.MaxValue);
                break;
            case KeyType.Sched:
                key.KeyData = (ushort)line.Number("a priority", ushort.MaxValue);
                break;
            case KeyType.Device:
                key.KeyData = (ushort)line.Number("a device class", ushort.MaxValue);
                break;
            default:
                break;
        }
    }
}
