namespace RingIpc;

/// <summary>Who may open a section created by this process (Unix file modes; Windows sections use
/// the default security of the session).</summary>
public enum SectionAccess
{
    /// <summary>Only the creating user (mode 0600). The default.</summary>
    Owner = 0,

    /// <summary>The creating user and members of its group (mode 0660).</summary>
    OwnerAndGroup = 1,
}
