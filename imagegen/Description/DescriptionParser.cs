using System.Collections.Generic;
using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Parses a system description (docs/imagegen.md "The description language"): one directive per line,
/// '#' comments, names declared before or after their use. Errors are DescriptionExceptions reading
/// <c>file:line:col: message</c>; the first one stops the parse.
/// </summary>
/// <remarks>
/// Theory of operation: each line is split into tokens (LineTokenizer) and dispatched on its first word.
/// Geometry lines set fields of the SystemDescription; `node`, `page` and `tree` declare objects in order;
/// `slot` lines fill the most recent `node`. `program` and `process` lines (DescriptionParser.Processes.cs)
/// declare a program's pages and a process's objects at once; `key`, `brand` and `keeper` fill the most
/// recent process. After the last line, Resolve checks every name (key targets,
/// the root) and every key's target kind. OIDs are assigned later by the layout (ImageLayout).
/// </remarks>
internal sealed partial class DescriptionParser
{
    private readonly SystemDescription _description = new();
    private readonly string _file;
    private readonly string _baseDirectory;
    private readonly string? _artifacts;
    private NodeSpec? _currentNode;
    private ProcessSpec? _currentProcess;
    private bool _sawVolume;
    private readonly HashSet<string> _seenDirectives = new(System.StringComparer.Ordinal);

    private DescriptionParser(string file, string baseDirectory, string? artifacts)
    {
        _file = file;
        _baseDirectory = baseDirectory;
        _artifacts = artifacts;
        _description.SourceFile = file;
    }

    /// <summary>
    /// Parses the description in <paramref name="path"/>: `file` paths are relative to its folder, `program`
    /// paths to <paramref name="artifacts"/> (default: the artifacts/ folder of the repository holding it).
    /// </summary>
    public static SystemDescription ParseFile(string path, string? artifacts = null) =>
        Parse(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", artifacts);

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names it in messages.</summary>
    public static SystemDescription Parse(string text, string file, string baseDirectory, string? artifacts = null)
    {
        var parser = new DescriptionParser(file, baseDirectory, artifacts);
        string[] lines = text.Replace("\r\n", "\n", System.StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            List<Token> tokens = LineTokenizer.Split(lines[i], file, i + 1);
            if (tokens.Count > 0)
            {
                parser.ParseLine(new TokenCursor(tokens, new SourcePosition(file, i + 1, lines[i].Length + 1)));
            }
        }

        parser.Finish();
        return parser._description;
    }

    private void ParseLine(TokenCursor line)
    {
        Token directive = line.Word("a directive");
        switch (directive.Text)
        {
            case "volume": Once(directive); ParseVolume(line); break;
            case "log": Once(directive); ParseLog(line, directive); break;
            case "checkpoint": Once(directive); ParseCheckpoint(line); break;
            case "node-range": Once(directive); ParseRange(line, _description.NodeRange, directive); break;
            case "page-range": Once(directive); ParseRange(line, _description.PageRange, directive); break;
            case "log-objects": Once(directive); ParseLogObjects(line); break;
            case "root": Once(directive); ParseRoot(line); break;
            case "node": ParseNode(line); break;
            case "slot": ParseSlot(line, directive); break;
            case "page": ParsePage(line); break;
            case "tree": ParseTree(line); break;
            case "zero-space": ParseZeroSpace(line); break;
            case "program": ParseProgram(line); break;
            case "process": ParseProcess(line); break;
            case "template": ParseTemplate(line); break;
            case "key": ParseKeyRegister(line, directive); break;
            case "brand": ParseProcessSlot(line, directive, ProcessRoot.Brand); break;
            case "keeper": ParseProcessSlot(line, directive, ProcessRoot.Keeper); break;
            default: throw new DescriptionException(directive.Position, $"unknown directive '{directive.Text}'");
        }

        line.End();
    }

    private void Once(Token directive)
    {
        if (!_seenDirectives.Add(directive.Text))
        {
            throw new DescriptionException(directive.Position, $"'{directive.Text}' given twice");
        }
    }

    private void ParseVolume(TokenCursor line)
    {
        Token name = line.Take("a volume name");
        _description.VolumeName = name.Text;
        _description.VolumeId = line.Accept("id") ? line.Number("a volume id", ulong.MaxValue) : Fnv1a.Hash(name.Text);
        if (_description.VolumeId == 0)
        {
            throw new DescriptionException(name.Position, "the volume id must not be 0");
        }

        _sawVolume = true;
    }

    private void ParseLog(TokenCursor line, Token directive)
    {
        line.Expect("pages");
        _description.LogPages = line.Number("a log page count", uint.MaxValue);
        if (_description.LogPages < DiskLayout.MinimumLogPages)
        {
            throw new DescriptionException(directive.Position, $"the log needs at least {DiskLayout.MinimumLogPages} pages");
        }

        _description.LogPosition = directive.Position;
    }

    private void ParseCheckpoint(TokenCursor line)
    {
        do
        {
            Token option = line.Word("'interval-ms' or 'threshold'");
            if (option.Text == "interval-ms")
            {
                _description.CheckpointIntervalMs = (uint)NonZero(line, "an interval in ms", uint.MaxValue);
            }
            else if (option.Text == "threshold")
            {
                _description.LogThresholdPercent = (uint)NonZero(line, "a threshold percentage", 100);
            }
            else
            {
                throw new DescriptionException(option.Position, $"unknown checkpoint option '{option.Text}'");
            }
        }
        while (!line.AtEnd);
    }

    private static ulong NonZero(TokenCursor line, string what, ulong max)
    {
        SourcePosition position = line.Position;
        ulong value = line.Number(what, max);
        if (value == 0)
        {
            throw new DescriptionException(position, $"{what} must not be 0");
        }

        return value;
    }

    private static void ParseRange(TokenCursor line, RangeSpec range, Token directive)
    {
        range.Position = directive.Position;
        while (!line.AtEnd)
        {
            Token option = line.Word("'first-oid', 'oids' or 'slack'");
            switch (option.Text)
            {
                case "first-oid": range.FirstOid = NonZero(line, "a first OID", ulong.MaxValue >> 1); break;
                case "oids": range.OidCount = NonZero(line, "an OID count", uint.MaxValue); break;
                case "slack": range.Slack = line.Number("a slack count", uint.MaxValue); break;
                default: throw new DescriptionException(option.Position, $"unknown range option '{option.Text}'");
            }
        }

        if (range.OidCount is not null && range.Slack != 0)
        {
            throw new DescriptionException(directive.Position, "give either 'oids' or 'slack', not both");
        }
    }

    private void ParseLogObjects(TokenCursor line)
    {
        if (line.Accept("all"))
        {
            _description.LogSelection = LogSelectionKind.All;
        }
        else if (line.Accept("none"))
        {
            _description.LogSelection = LogSelectionKind.None;
        }
        else
        {
            _description.LogSelection = LogSelectionKind.First;
            _description.LogCount = (int)line.Number("'all', 'none' or an object count", int.MaxValue);
        }
    }

    private void ParseRoot(TokenCursor line)
    {
        Token name = line.Word("the root node's name");
        _description.Root = name.Text;
        _description.RootPosition = name.Position;
    }

    private void ParseNode(TokenCursor line)
    {
        Token name = NewName(line, "a node name");
        var node = new NodeSpec(name.Text, name.Position, _description.Objects.Count);
        while (!line.AtEnd)
        {
            Token option = line.Word("'alloc' or 'call'");
            switch (option.Text)
            {
                case "alloc": node.AllocCount = (uint)line.Number("an AllocCount", uint.MaxValue); break;
                case "call": node.CallCount = (uint)line.Number("a CallCount", uint.MaxValue); break;
                default: throw new DescriptionException(option.Position, $"unknown node option '{option.Text}'");
            }
        }

        Declare(node);
        _currentNode = node;
        _currentProcess = null;
    }

    private void ParseSlot(TokenCursor line, Token directive)
    {
        if (_currentNode is null)
        {
            throw new DescriptionException(directive.Position, "'slot' outside a node (write 'node <name>' first)");
        }

        Token index = line.Word("a slot number");
        ulong slot = TokenCursor.ParseNumber(index, "slot number", DiskNode.SlotCount - 1);
        if (_currentNode.Slots[slot] is not null)
        {
            throw new DescriptionException(index.Position, $"slot {slot} of node '{_currentNode.Name}' given twice");
        }

        line.Expect("=");
        _currentNode.Slots[slot] = KeyParser.Parse(line);
    }

    private void ParsePage(TokenCursor line)
    {
        Token name = NewName(line, "a page name");
        var page = new PageSpec(name.Text, name.Position, _description.Objects.Count);
        while (!line.AtEnd)
        {
            Token option = line.Word("page content or 'alloc'");
            if (option.Text == "alloc")
            {
                page.AllocCount = (uint)line.Number("an AllocCount", uint.MaxValue);
                continue;
            }

            if (page.Content is not null)
            {
                throw new DescriptionException(option.Position, "a page has one content");
            }

            page.Content = PageContent.Parse(option, line, _baseDirectory) ?? new byte[DiskLayout.PageSize];
        }

        if (page.Content is not null && System.Array.TrueForAll(page.Content, b => b == 0))
        {
            page.Content = null;
        }

        Declare(page);
        _currentNode = null;
        _currentProcess = null;
    }

    private void ParseTree(TokenCursor line)
    {
        Token name = NewName(line, "a tree name");
        var tree = TreeSpec.Parse(name, line);
        foreach (ObjectSpec spec in tree.Expand(_description.Objects.Count))
        {
            if (_description.ByName.ContainsKey(spec.Name))
            {
                throw new DescriptionException(name.Position, $"tree object '{spec.Name}' clashes with an earlier name");
            }

            Declare(spec);
        }

        _currentNode = null;
        _currentProcess = null;
    }

    private void ParseZeroSpace(TokenCursor line)
    {
        Token name = NewName(line, "a zero space's name"); // its objects' names hold '/', which no declared name does
        if (!_description.ZeroSpaces.TryAdd(name.Text, name.Position))
        {
            throw new DescriptionException(name.Position, $"zero space '{name.Text}' is already declared at line {_description.ZeroSpaces[name.Text].Line}");
        }

        ZeroSpace.Declare(name, _description);
        _currentNode = null;
        _currentProcess = null;
    }

    private Token NewName(TokenCursor line, string what)
    {
        Token name = line.Word(what);
        if (!IsName(name.Text))
        {
            throw new DescriptionException(name.Position, $"'{name.Text}' is not a name (letters, digits, '_', '-', '.'; starts with a letter or '_')");
        }

        if (_description.ByName.TryGetValue(name.Text, out ObjectSpec? earlier))
        {
            throw new DescriptionException(name.Position, $"'{name.Text}' is already declared at line {earlier.Position.Line}");
        }

        return name;
    }

    internal static bool IsName(string text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))
            {
                return false;
            }
        }

        return true;
    }

    private void Declare(ObjectSpec spec) => _description.Declare(spec);

    private void Finish()
    {
        if (!_sawVolume)
        {
            throw new DescriptionException(new SourcePosition(_file, 1, 1), "missing 'volume <name>' line");
        }

        foreach (ObjectSpec spec in _description.Objects)
        {
            if (spec is NodeSpec node)
            {
                ResolveSlots(node);
            }
        }

        if (_description.Root is string root)
        {
            if (!_description.ByName.TryGetValue(root, out ObjectSpec? target))
            {
                throw new DescriptionException(_description.RootPosition, $"root '{root}' is not declared");
            }

            if (target is not NodeSpec)
            {
                throw new DescriptionException(_description.RootPosition, $"root '{root}' is a page; the root must be a node");
            }
        }
    }

    private void ResolveSlots(NodeSpec node)
    {
        foreach (KeySpec? key in node.Slots)
        {
            if (key?.TemplateEntry is string entry)
            {
                if (!_description.Templates.TryGetValue(entry, out TemplateSpec? template))
                {
                    throw new DescriptionException(key.TargetPosition, $"template '{entry}' is not declared");
                }

                template.Pack(key);
            }

            if (key?.Target is not string target)
            {
                continue;
            }

            if (!_description.ByName.TryGetValue(target, out ObjectSpec? spec))
            {
                if (key.Template is string template)
                {
                    throw new DescriptionException(key.TargetPosition, $"template '{template}' is not declared");
                }

                if (key.ZeroSpace is string zero)
                {
                    throw new DescriptionException(key.TargetPosition, $"zero space '{zero}' is not declared");
                }

                throw new DescriptionException(key.TargetPosition, $"'{target}' is not declared");
            }

            ObType wanted = KeyTypes.TargetType(key.Type);
            if (spec.Type != wanted)
            {
                string kind = wanted == ObType.Page ? "a page" : "a node";
                throw new DescriptionException(key.TargetPosition, $"a {KeyNames.Name(key.Type)} key needs {kind}; '{target}' is not");
            }
        }
    }
}
