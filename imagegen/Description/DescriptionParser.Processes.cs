using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Description;

/// <summary>
/// The program and process lines (docs/imagegen.md "Programs and processes"): <c>program</c> reads a user ELF
/// and declares its read-only pages; <c>process</c> builds a process running a program declared earlier;
/// <c>key N = ...</c>, <c>brand = ...</c> and <c>keeper = ...</c> fill the most recent process.
/// </summary>
internal sealed partial class DescriptionParser
{
    private void ParseProgram(TokenCursor line)
    {
        Token name = line.Word("a program name");
        if (!IsName(name.Text))
        {
            throw new DescriptionException(name.Position, $"'{name.Text}' is not a name (letters, digits, '_', '-', '.'; starts with a letter or '_')");
        }

        if (_description.Programs.TryGetValue(name.Text, out ProgramSpec? earlier))
        {
            throw new DescriptionException(name.Position, $"program '{name.Text}' is already declared at line {earlier.Position.Line}");
        }

        line.Expect("elf");
        Token path = line.Take("the ELF file's path (a quoted string)");
        if (!path.Quoted)
        {
            throw new DescriptionException(path.Position, "the ELF file's path must be a quoted string");
        }

        ProgramSpec program = ProgramSpec.Load(name.Text, path, ArtifactsFolder(path));
        _description.Programs.Add(name.Text, program);
        ProcessBuilder.DeclareSharedPages(program, _description);
        _currentNode = null;
        _currentProcess = null;
    }

    /// <summary>The folder program paths are relative to: given, or the artifacts/ beside the repository's CapOS.sln.</summary>
    private string ArtifactsFolder(Token path)
    {
        if (_artifacts is not null)
        {
            return _artifacts;
        }

        for (string? folder = Path.GetFullPath(_baseDirectory); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(Path.Combine(folder, "CapOS.sln")))
            {
                return Path.Combine(folder, "artifacts");
            }
        }

        throw new DescriptionException(path.Position, "program paths are relative to the artifacts folder: give --artifacts <folder> (this description is not inside a CapOS repository)");
    }

    private void ParseProcess(TokenCursor line)
    {
        Token name = NewName(line, "a process name");
        line.Expect("program");
        Token programName = line.Word("a program name");
        if (!_description.Programs.TryGetValue(programName.Text, out ProgramSpec? program))
        {
            throw new DescriptionException(programName.Position, $"program '{programName.Text}' is not declared (declare a program before the processes that run it)");
        }

        if (_description.Processes.Count == CheckpointHeader.RestartCapacity)
        {
            throw new DescriptionException(name.Position, $"too many processes: checkpoint #1's restart list holds {CheckpointHeader.RestartCapacity}");
        }

        var process = new ProcessSpec(name.Text, name.Position, program);
        while (!line.AtEnd)
        {
            Token option = line.Word("'stack-pages', 'stack-top' or 'priority'");
            switch (option.Text)
            {
                case "stack-pages": process.StackPages = NonZero(line, "a stack page count", ProcessSpec.MaxStackPages); break;
                case "stack-top": process.StackTop = line.Number("a stack top address", ulong.MaxValue); break;
                case "priority": process.Priority = line.Number("a priority", ushort.MaxValue); break;
                default: throw new DescriptionException(option.Position, $"unknown process option '{option.Text}'");
            }
        }

        ProcessBuilder.Build(process, _description);
        _description.Processes.Add(process);
        _currentNode = null;
        _currentProcess = process;
    }

    private void ParseTemplate(TokenCursor line)
    {
        Token name = line.Word("a template name");
        if (!IsName(name.Text))
        {
            throw new DescriptionException(name.Position, $"'{name.Text}' is not a name (letters, digits, '_', '-', '.'; starts with a letter or '_')");
        }

        if (_description.Templates.TryGetValue(name.Text, out TemplateSpec? earlier))
        {
            throw new DescriptionException(name.Position, $"template '{name.Text}' is already declared at line {earlier.Position.Line}");
        }

        line.Expect("program");
        Token programName = line.Word("a program name");
        if (!_description.Programs.TryGetValue(programName.Text, out ProgramSpec? program))
        {
            throw new DescriptionException(programName.Position, $"program '{programName.Text}' is not declared (declare a program before the templates of it)");
        }

        var template = new TemplateSpec(name.Text, name.Position, program);
        while (!line.AtEnd)
        {
            Token option = line.Word("'stack-top'");
            switch (option.Text)
            {
                case "stack-top": template.StackTop = line.Number("a stack top address", ulong.MaxValue); break;
                default: throw new DescriptionException(option.Position, $"unknown template option '{option.Text}'");
            }
        }

        template.Build(_description);
        _description.Templates.Add(name.Text, template);
        _currentNode = null;
        _currentProcess = null;
    }

    private ProcessSpec CurrentProcess(Token directive) =>
        _currentProcess ?? throw new DescriptionException(directive.Position, $"'{directive.Text}' outside a process (write 'process <name> program <program>' first)");

    private void ParseKeyRegister(TokenCursor line, Token directive)
    {
        ProcessSpec process = CurrentProcess(directive);
        Token index = line.Word("a key register number");
        ulong register = TokenCursor.ParseNumber(index, "key register number", DiskNode.SlotCount - 1);
        if (register == 0)
        {
            throw new DescriptionException(index.Position, "key register 0 always reads as void (docs/process.md P1)");
        }

        if (process.KeyRegisters.Slots[register] is not null)
        {
            throw new DescriptionException(index.Position, $"key register {register} of process '{process.Name}' given twice");
        }

        line.Expect("=");
        process.KeyRegisters.Slots[register] = KeyParser.Parse(line);
    }

    private void ParseProcessSlot(TokenCursor line, Token directive, int slot)
    {
        ProcessSpec process = CurrentProcess(directive);
        if (process.Root.Slots[slot] is not null)
        {
            throw new DescriptionException(directive.Position, $"the {directive.Text} of process '{process.Name}' given twice");
        }

        line.Expect("=");
        SourcePosition at = line.Position;
        KeySpec? key = KeyParser.Parse(line);
        if (slot == ProcessRoot.Keeper && key is not null && key.Type != KeyType.Start)
        {
            throw new DescriptionException(at, "a keeper is a start key (or void)");
        }

        process.Root.Slots[slot] = key;
    }
}
