using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace RingIpc.Layout.Generator;

/// <summary>
/// The canonical layout rule (DESIGN.md §6) and the fingerprint. Identical on every platform because it
/// never depends on the ABI: members in declaration order, each at the next multiple of its alignment;
/// the size rounded up to the largest alignment.
/// </summary>
internal static class CanonicalLayout
{
    /// <summary>The largest layout the generator accepts (1 MiB): larger value types are slow to copy and
    /// beyond what runtimes reliably load.</summary>
    public const int MaxSize = 1 << 20;

    /// <summary>Version tag of the canonical description: change it only with the rule itself.</summary>
    private const string DescriptionVersion = "ripc-layout/1";

    /// <summary>Canonical alignment of a primitive of <paramref name="size"/> bytes: its size, at most 8.</summary>
    public static int PrimitiveAlignment(int size) => size >= 8 ? 8 : size;

    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="alignment"/>.</summary>
    public static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>
    /// Places <paramref name="members"/> (offsets ignored) and returns them with offsets, plus the size
    /// and alignment. Invalid members take no space; a member pinned with [LayoutOffset] goes to its pin
    /// if that is not before its canonical offset. The size is a long so that overflow is detectable.
    /// </summary>
    public static (List<MemberModel> Members, long Size, int Alignment) Place(IEnumerable<MemberModel> members)
    {
        var placed = new List<MemberModel>();
        long offset = 0;
        int alignment = 1;
        foreach (MemberModel member in members)
        {
            if (member.Element is null)
            {
                placed.Add(member with { Offset = 0 });
                continue;
            }
            int memberAlignment = member.Element.Alignment;
            offset = AlignUp(offset, memberAlignment);
            if (member.PinnedOffset > offset)
            {
                offset = member.PinnedOffset; // [LayoutOffset]: pad up to it (an earlier pin is reported by the parser)
            }
            alignment = memberAlignment > alignment ? memberAlignment : alignment;
            placed.Add(member with { Offset = offset <= int.MaxValue ? (int)offset : int.MaxValue });
            offset += (long)member.Element.Size * member.Count;
        }
        return (placed, AlignUp(offset, alignment), alignment);
    }

    /// <summary>The canonical description: names, canonical types, offsets and size.</summary>
    public static string Describe(IEnumerable<MemberModel> members, int size, int alignment)
    {
        var text = new StringBuilder(DescriptionVersion);
        text.Append("|size=").Append(size.ToString(CultureInfo.InvariantCulture));
        text.Append("|align=").Append(alignment.ToString(CultureInfo.InvariantCulture));
        foreach (MemberModel member in members)
        {
            text.Append('|').Append(member.Name).Append(':').Append(member.Element?.Canonical ?? "?");
            if (member.Kind is MemberKind.InlineString or MemberKind.InlineArray)
            {
                text.Append('[').Append(member.Count.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            text.Append('@').Append(member.Offset.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>FNV-1a, 64-bit, over the UTF-8 bytes of <paramref name="description"/>.</summary>
    public static ulong Fingerprint(string description)
    {
        const ulong offsetBasis = 14695981039346656037;
        const ulong prime = 1099511628211;
        ulong hash = offsetBasis;
        foreach (byte b in Encoding.UTF8.GetBytes(description))
        {
            hash ^= b;
            hash *= prime;
        }
        return hash;
    }

    /// <summary>A fingerprint as C#/C hexadecimal ("0x0123456789ABCDEF").</summary>
    public static string Hex(ulong fingerprint) => "0x" + fingerprint.ToString("X16", CultureInfo.InvariantCulture);
}
