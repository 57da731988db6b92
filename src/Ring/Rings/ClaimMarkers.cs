namespace RingIpc;

/// <summary>
/// Who claimed a record, and when a claim may be revoked: the claim-marker and revocation policy.
/// </summary>
/// <remarks>
/// An uncommitted claim's type field is the marker <c>-(pid + 2)</c> of the claiming process (always below
/// <see cref="RecordLayout.PaddingType"/>). If that process dies before it commits, a consumer that would
/// otherwise wait on the claim finds the process gone (<see cref="ProcessLiveness"/>) and swaps the header
/// to padding with one compare-and-swap from the exact claimed header. A late commit needs the same header,
/// so it fails instead of landing: a live producer can never be half-revoked. Pids come from the consumer's
/// pid namespace; a claim with no marker is never revoked.
/// </remarks>
internal static class ClaimMarkers
{
    /// <summary>The type field of an uncommitted claim of process <paramref name="processId"/>.</summary>
    public static int MarkerOf(int processId) => -(processId + 2);

    /// <summary>The process named by a claim's type field, or 0 if it is not a marker.</summary>
    public static int OwnerOf(int type) => type < RecordLayout.PaddingType ? -type - 2 : 0;

    /// <summary>Revokes <paramref name="claim"/> if its owner process is dead: turns it into padding.</summary>
    /// <param name="claim">A record the cursor found <see cref="RecordState.Claimed"/>.</param>
    /// <param name="cursor">The cursor that found it, to validate and reach its header.</param>
    /// <returns>Whether it was revoked (<c>false</c>: its owner lives, is unknown, or it changed meanwhile).</returns>
    /// <exception cref="RingFormatException">The claimed length is impossible.</exception>
    public static bool TryRevoke(in Record claim, in RecordCursor cursor)
    {
        int owner = OwnerOf(claim.Type);
        if (owner == 0)
        {
            return false;
        }

        int length = cursor.ValidateClaimedLength(claim);
        return !ProcessLiveness.IsAlive(owner) &&
               cursor.HeaderAt(claim.Position).CompareAndSwap(claim.Header, RecordLayout.Header(length, RecordLayout.PaddingType));
    }
}
