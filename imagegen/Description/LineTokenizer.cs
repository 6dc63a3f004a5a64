using System;
using System.Collections.Generic;
using System.Text;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Splits one description line into tokens: words separated by blanks, '=' on its own, "quoted strings"
/// with the escapes \n \t \0 \\ \" \xHH; '#' outside a string starts a comment (docs/imagegen.md "Lexical").
/// </summary>
internal static class LineTokenizer
{
    public static List<Token> Split(string line, string file, int lineNumber)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (c == ' ' || c == '\t')
            {
                i++;
                continue;
            }

            if (c == '#')
            {
                break;
            }

            var position = new SourcePosition(file, lineNumber, i + 1);
            if (c == '"')
            {
                i = ReadString(line, i, position, tokens);
                continue;
            }

            if (c == '=')
            {
                tokens.Add(new Token("=", false, position));
                i++;
                continue;
            }

            int start = i;
            while (i < line.Length && line[i] != ' ' && line[i] != '\t' && line[i] != '#' && line[i] != '=' && line[i] != '"')
            {
                i++;
            }

            tokens.Add(new Token(line[start..i], false, position));
        }

        return tokens;
    }

    private static int ReadString(string line, int i, SourcePosition position, List<Token> tokens)
    {
        var text = new StringBuilder();
        i++;
        while (i < line.Length && line[i] != '"')
        {
            if (line[i] != '\\')
            {
                text.Append(line[i++]);
                continue;
            }

            var escapePosition = position with { Column = i + 1 };
            if (i + 1 >= line.Length)
            {
                throw new DescriptionException(escapePosition, "unterminated escape in string");
            }

            char e = line[i + 1];
            i += 2;
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case '0': text.Append('\0'); break;
                case '\\': text.Append('\\'); break;
                case '"': text.Append('"'); break;
                case 'x':
                    if (i + 2 > line.Length || !byte.TryParse(line.AsSpan(i, 2), System.Globalization.NumberStyles.HexNumber, null, out byte value))
                    {
                        throw new DescriptionException(escapePosition, "\\x needs two hex digits");
                    }

                    text.Append((char)value);
                    i += 2;
                    break;
                default:
                    throw new DescriptionException(escapePosition, $"unknown escape \\{e}");
            }
        }

        if (i >= line.Length)
        {
            throw new DescriptionException(position, "unterminated string");
        }

        tokens.Add(new Token(text.ToString(), true, position));
        return i + 1;
    }
}
