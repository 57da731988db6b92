using System;

namespace RingIpc;

/// <summary>The rule for section and ring names (DESIGN.md §5).</summary>
internal static class SectionName
{
    /// <summary>The longest name allowed.</summary>
    public const int MaxLength = 100;

    /// <summary>The rule, as stated in errors.</summary>
    public const string Rule =
        "a name is 1 to 100 characters of A-Z, a-z, 0-9, '.', '_' and '-', and does not start with '.'";

    /// <summary>Whether <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || name.Length > MaxLength || name[0] == '.')
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllowed(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-';

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> follows the rule.</summary>
    public static void Validate(string name, string parameterName = "name")
    {
        if (name is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        if (name.Length == 0 || name.Length > MaxLength || name[0] == '.')
        {
            throw new ArgumentException($"Invalid section name '{name}': {Rule}.", parameterName);
        }

        foreach (char c in name)
        {
            if (!IsAllowed(c))
            {
                throw new ArgumentException($"Invalid section name '{name}': character '{c}' is not allowed; {Rule}.", parameterName);
            }
        }
    }
}
