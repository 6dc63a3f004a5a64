using System.IO;
using CapOS.Kernel.DiskFormat;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Page contents (docs/imagegen.md "Pages"): <c>zero</c>, <c>fill &lt;byte&gt;</c>, <c>text "..."</c> (Latin-1,
/// zero-padded), <c>file "path"</c> (at most 4096 bytes, zero-padded; relative to the description's folder),
/// <c>pattern &lt;seed&gt;</c>.
/// </summary>
internal static class PageContent
{
    /// <summary>The 4096 bytes <paramref name="kind"/> describes; null for zero.</summary>
    public static byte[]? Parse(Token kind, TokenCursor line, string baseDirectory)
    {
        switch (kind.Text)
        {
            case "zero":
                return null;
            case "fill":
                byte value = (byte)line.Number("a fill byte", byte.MaxValue);
                var filled = new byte[DiskLayout.PageSize];
                System.Array.Fill(filled, value);
                return filled;
            case "text":
                return Text(line.Take("a quoted string"));
            case "file":
                return FromFile(line.Take("a file path"), baseDirectory);
            case "pattern":
                return Pattern.Bytes(line.Number("a pattern seed", ulong.MaxValue));
            default:
                throw new DescriptionException(kind.Position, $"unknown page content '{kind.Text}' (zero, fill, text, file, pattern)");
        }
    }

    private static byte[] Text(Token text)
    {
        if (!text.Quoted)
        {
            throw new DescriptionException(text.Position, "text needs a quoted string");
        }

        if (text.Text.Length > DiskLayout.PageSize)
        {
            throw new DescriptionException(text.Position, $"text is {text.Text.Length} bytes; a page holds {DiskLayout.PageSize}");
        }

        var page = new byte[DiskLayout.PageSize];
        for (int i = 0; i < text.Text.Length; i++)
        {
            if (text.Text[i] > 0xFF)
            {
                throw new DescriptionException(text.Position, $"character U+{(int)text.Text[i]:X4} is not Latin-1; write its bytes with \\xHH");
            }

            page[i] = (byte)text.Text[i];
        }

        return page;
    }

    private static byte[] FromFile(Token path, string baseDirectory)
    {
        string full = Path.Combine(baseDirectory, path.Text);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (IOException e)
        {
            throw new DescriptionException(path.Position, $"cannot read '{path.Text}': {e.Message}");
        }
        catch (System.UnauthorizedAccessException e)
        {
            throw new DescriptionException(path.Position, $"cannot read '{path.Text}': {e.Message}");
        }

        if (bytes.Length > DiskLayout.PageSize)
        {
            throw new DescriptionException(path.Position, $"'{path.Text}' is {bytes.Length} bytes; a page holds {DiskLayout.PageSize}");
        }

        var page = new byte[DiskLayout.PageSize];
        bytes.CopyTo(page, 0);
        return page;
    }
}
