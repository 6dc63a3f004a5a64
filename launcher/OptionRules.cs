using System.CommandLine;
using System.Globalization;

namespace CapOS.Launcher;

/// <summary>Validation rules shared by the launcher's verbs.</summary>
public static class OptionRules
{
    /// <summary>
    /// Rejects a given value that is not positive. Validators run only for options given, so a default is never
    /// judged. A token that is not a number is the parser's own error (reading the value would throw on it), so
    /// only numbers are judged here.
    /// </summary>
    public static void RequirePositive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token]
                && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                && value <= 0)
            {
                result.AddError($"{option.Name} must be positive");
            }
        });
    }
}
