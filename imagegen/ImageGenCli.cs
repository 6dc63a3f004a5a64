using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using CapOS.ImageGen.Description;
using CapOS.ImageGen.Image;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen;

/// <summary>
/// The commands (System.CommandLine): <c>build &lt;spec&gt; -o &lt;img&gt;</c>, <c>dump &lt;img&gt;</c>,
/// <c>check &lt;img&gt;</c>, <c>digest &lt;img&gt; [--root &lt;oid&gt;]</c>,
/// <c>authority &lt;pristine&gt; &lt;final&gt; --roots i j ...</c>. Output and errors go to the writers
/// passed in, so the tests run the real command line in-process (docs/imagegen.md "Commands").
/// </summary>
internal static class ImageGenCli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("imagegen: CapOS system description -> disk image holding checkpoint #1; dump, check, digest (docs/imagegen.md).");
        root.Add(BuildCommand(output, error));
        root.Add(ImageCommand("dump", "List an image: headers, ranges, checkpoints, directory, nodes and keys, pages.", output, error, Dump));
        root.Add(ImageCommand("check", "Verify an image offline; exit 1 when a fault is found.", output, error, Check));
        root.Add(DigestCommand(output, error));
        root.Add(AuthorityCommand(output, error));
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError e in parse.Errors)
            {
                error.WriteLine($"imagegen: {e.Message}");
            }

            return ExitCodes.Usage;
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Command BuildCommand(TextWriter output, TextWriter error)
    {
        var spec = new Argument<FileInfo>("spec") { Description = "The system description (.sys)." };
        var image = new Option<FileInfo>("--output", "-o") { Description = "The image to write.", Required = true };
        var artifacts = new Option<DirectoryInfo?>("--artifacts")
        {
            Description = "The folder `program` paths are relative to (default: artifacts/ of the repository holding the description).",
            HelpName = "folder",
        };
        var command = new Command("build", "Compile a system description into a raw disk image (written whole, or not at all).") { spec, image, artifacts };
        command.SetAction(result => Build(result.GetValue(spec)!, result.GetValue(image)!, output, error, result.GetValue(artifacts)));
        return command;
    }

    private static Command ImageCommand(string name, string description, TextWriter output, TextWriter error,
        Func<VolumeImage, TextWriter, int> action)
    {
        var image = new Argument<FileInfo>("image") { Description = "A raw CapOS disk image." };
        var command = new Command(name, description) { image };
        command.SetAction(result => WithImage(result.GetValue(image)!, error, opened => action(opened, output)));
        return command;
    }

    private static Command DigestCommand(TextWriter output, TextWriter error)
    {
        var image = new Argument<FileInfo>("image") { Description = "A raw CapOS disk image." };
        var rootOid = new Option<string?>("--root") { Description = "The root node's OID (default: the first node OID, where imagegen puts `root`).", HelpName = "oid" };
        var command = new Command("digest", "Walk the object graph from the root as the kernel would after recovery and print its digest.") { image, rootOid };
        command.SetAction(result => WithImage(result.GetValue(image)!, error,
            opened => Digest(opened, result.GetValue(rootOid), output, error)));
        return command;
    }

    private static Command AuthorityCommand(TextWriter output, TextWriter error)
    {
        var pristine = new Argument<FileInfo>("pristine") { Description = "The image as built." };
        var final = new Argument<FileInfo>("final") { Description = "The same volume after a run." };
        var roots = new Option<int[]>("--roots")
        {
            Description = "Restart-list indexes (of the pristine image) of the processes whose authority bounds the changes.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("authority", "Check that every object changed between two images is reachable from the given processes' keys (docs/fuzz.md).")
        {
            pristine, final, roots,
        };
        command.SetAction(result => WithImage(result.GetValue(pristine)!, error, before =>
            WithImage(result.GetValue(final)!, error, after =>
            {
                int[] indexes = result.GetValue(roots)!;
                return AuthorityCheck.Write(AuthorityCheck.Run(before, after, indexes), indexes, output) == 0 ? ExitCodes.Ok : ExitCodes.Faults;
            })));
        return command;
    }

    internal static int Build(FileInfo spec, FileInfo image, TextWriter output, TextWriter error, DirectoryInfo? artifacts = null)
    {
        byte[] bytes;
        SystemDescription description;
        try
        {
            description = DescriptionParser.ParseFile(spec.FullName, artifacts?.FullName);
            bytes = ImageBuilder.Build(description);
        }
        catch (DescriptionException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.Usage;
        }
        catch (IOException e)
        {
            error.WriteLine($"imagegen: {e.Message}");
            return ExitCodes.Usage;
        }

        string temporary = image.FullName + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, image.FullName, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            error.WriteLine($"imagegen: cannot write {image.FullName}: {e.Message}");
            return ExitCodes.Usage;
        }

        output.WriteLine($"imagegen: {image.Name}: {bytes.Length / 4096} pages, {description.Objects.Count} objects{RootText(description)}{ProcessText(description)}");
        return ExitCodes.Ok;
    }

    private static string RootText(SystemDescription description) =>
        description.Root is string root ? $", root {root}=0x{description.ByName[root].Oid.Value:x}" : "";

    private static string ProcessText(SystemDescription description) =>
        description.Processes.Count switch { 0 => "", 1 => ", 1 process", int n => $", {n} processes" };

    private static int WithImage(FileInfo file, TextWriter error, Func<VolumeImage, int> action)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"imagegen: cannot read {file.FullName}: {e.Message}");
            return ExitCodes.Usage;
        }

        return action(VolumeImage.Open(bytes));
    }

    private static int Dump(VolumeImage image, TextWriter output) =>
        ImageDump.Write(image, output) ? ExitCodes.Ok : ExitCodes.Faults;

    private static int Check(VolumeImage image, TextWriter output)
    {
        int faults = 0;
        int warnings = 0;
        foreach (Finding finding in ImageCheck.Run(image))
        {
            output.WriteLine(finding.ToString());
            faults += finding.Kind == FindingKind.Fault ? 1 : 0;
            warnings += finding.Kind == FindingKind.Warning ? 1 : 0;
        }

        output.WriteLine(faults == 0 ? $"check: clean ({warnings} warnings)" : $"check: {faults} faults, {warnings} warnings");
        return faults == 0 ? ExitCodes.Ok : ExitCodes.Faults;
    }

    private static unsafe int Digest(VolumeImage image, string? rootText, TextWriter output, TextWriter error)
    {
        if (image.Refused)
        {
            error.WriteLine($"imagegen: recovery would refuse this image: {image.Fatal ?? "damaged directory"}");
            return ExitCodes.Faults;
        }

        Oid root;
        if (rootText is null)
        {
            int index = FirstNodeRange(image);
            if (index < 0)
            {
                error.WriteLine("imagegen: the image has no node range; give --root");
                return ExitCodes.Usage;
            }

            root = Kernel.DiskFormat.VolumeHeader.Range(image.Header, index)->FirstOid;
        }
        else if (!TryParseOid(rootText, out root))
        {
            error.WriteLine($"imagegen: --root {rootText}: not an OID (decimal, or hex with 0x)");
            return ExitCodes.Usage;
        }

        DigestResult? result = GraphDigest.Compute(image, root);
        if (result is null)
        {
            error.WriteLine($"imagegen: root 0x{root.Value:x} is not a node of this image");
            return ExitCodes.Usage;
        }

        output.WriteLine(result.Value.ToString());
        return ExitCodes.Ok;
    }

    private static unsafe int FirstNodeRange(VolumeImage image)
    {
        for (int i = 0; i < image.Header->RangeCount; i++)
        {
            if (Kernel.DiskFormat.VolumeHeader.Range(image.Header, i)->Kind == Kernel.DiskFormat.RangeKind.NodeRange)
            {
                return i;
            }
        }

        return -1;
    }

    internal static bool TryParseOid(string text, out Oid oid)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        bool ok = hex
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        oid = new Oid(value);
        return ok && value != 0;
    }
}
