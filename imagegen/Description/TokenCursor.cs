using System;
using System.Collections.Generic;
using System.Globalization;

namespace CapOS.ImageGen.Description;

/// <summary>Reads the tokens of one line left to right, with errors that name the offending token.</summary>
internal sealed class TokenCursor
{
    private readonly List<Token> _tokens;
    private readonly SourcePosition _end;
    private int _next;

    public TokenCursor(List<Token> tokens, SourcePosition end)
    {
        _tokens = tokens;
        _end = end;
    }

    public bool AtEnd => _next >= _tokens.Count;

    /// <summary>Where the next token is (or the end of the line).</summary>
    public SourcePosition Position => AtEnd ? _end : _tokens[_next].Position;

    public Token Peek() => _tokens[_next];

    /// <summary>The next token; an error naming <paramref name="what"/> at the end of the line.</summary>
    public Token Take(string what)
    {
        if (AtEnd)
        {
            throw new DescriptionException(_end, $"expected {what}");
        }

        return _tokens[_next++];
    }

    /// <summary>The next bare word (not a quoted string).</summary>
    public Token Word(string what)
    {
        Token token = Take(what);
        if (token.Quoted)
        {
            throw new DescriptionException(token.Position, $"expected {what}, found a string");
        }

        return token;
    }

    /// <summary>The next token if it is the bare word <paramref name="word"/>.</summary>
    public bool Accept(string word)
    {
        if (!AtEnd && !_tokens[_next].Quoted && _tokens[_next].Text == word)
        {
            _next++;
            return true;
        }

        return false;
    }

    /// <summary>Requires the bare word <paramref name="word"/>.</summary>
    public void Expect(string word)
    {
        Token token = Take($"'{word}'");
        if (token.Quoted || token.Text != word)
        {
            throw new DescriptionException(token.Position, $"expected '{word}', found '{token.Text}'");
        }
    }

    /// <summary>An unsigned number (decimal, or hex with 0x) no larger than <paramref name="max"/>.</summary>
    public ulong Number(string what, ulong max)
    {
        Token token = Word(what);
        return ParseNumber(token, what, max);
    }

    public static ulong ParseNumber(Token token, string what, ulong max)
    {
        string text = token.Text.Replace("_", "", System.StringComparison.Ordinal);
        bool hex = text.StartsWith("0x", System.StringComparison.OrdinalIgnoreCase);
        bool ok = hex
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok || token.Text.Length == 0 || (hex && text.Length == 2))
        {
            throw new DescriptionException(token.Position, $"expected {what} (a number), found '{token.Text}'");
        }

        if (value > max)
        {
            throw new DescriptionException(token.Position, $"{what} {token.Text} is out of range (at most {max})");
        }

        return value;
    }

    /// <summary>Fails on any token left on the line.</summary>
    public void End()
    {
        if (!AtEnd)
        {
            throw new DescriptionException(_tokens[_next].Position, $"unexpected '{_tokens[_next].Text}'");
        }
    }
}
