package asav

// The syslog lines of the agent's transitions. An ASA wraps its Smart
// Agent's messages in one message ID per severity (444303 for severity 3,
// 444305 for 5, 444306 for 6), the SMART_LIC text saying what happened;
// the texts are verbatim from Cisco's "Cisco Secure Firewall ASA Series
// Syslog Messages" (Messages Listed by Severity Level), except
// RESERVED_INSTALLED, which the guide does not list (UNSURE: the IOS-XE
// agent's name and its "Specific License Reservation Authorization code
// installed" for a universal reservation, in the same form, severity 6).
const (
	msgEvalStart        = "%ASA-5-444305: %SMART_LIC-5-EVAL_START: Entering evaluation period."
	msgEvalExpired      = "%ASA-3-444303: %SMART_LIC-3-EVAL_EXPIRED: Evaluation period expired."
	msgRegSuccess       = "%ASA-6-444306: %SMART_LIC-6-AGENT_REG_SUCCESS: Smart Agent for Licensing Registration with Cisco licensing cloud successful."
	msgRegFailed        = "%ASA-3-444303: %SMART_LIC-3-AGENT_REG_FAILED: Smart Agent for licensing registration with Cisco licensing cloud failed."
	msgAlreadyReg       = "%ASA-6-444306: %SMART_LIC-6-AGENT_ALREADY_REGISTER: Smart Agent is already registered with the Cisco licensing cloud."
	msgAuthSuccess      = "%ASA-6-444306: %SMART_LIC-6-AUTH_RENEW_SUCCESS: Authorization renewal with Cisco licensing cloud successful."
	msgAuthFailed       = "%ASA-3-444303: %SMART_LIC-3-AUTH_RENEW_FAILED: Authorization renewal with Cisco licensing cloud failed."
	msgCommRestored     = "%ASA-5-444305: %SMART_LIC-5-COMM_RESTORED: Communications with Cisco licensing cloud restored."
	msgInCompliance     = "%ASA-5-444305: %SMART_LIC-5-IN_COMPLIANCE: All entitlements are authorized."
	msgOutOfCompliance  = "%ASA-3-444303: %SMART_LIC-3-OUT_OF_COMPLIANCE: One or more entitlements are out of compliance."
	msgAuthExpired      = "%ASA-5-444305: %SMART_LIC-5-AUTHORIZATION_EXPIRED: Authorization expired."
	msgRenewSuccess     = "%ASA-6-444306: %SMART_LIC-6-ID_CERT_RENEW_SUCCESS: Identity certificate renewal successful."
	msgRenewFailed      = "%ASA-3-444303: %SMART_LIC-3-ID_CERT_RENEW_FAILED: Identity certificate renewal failed."
	msgRegExpired       = "%ASA-3-444303: %SMART_LIC-3-ID_CERT_EXPIRED: Identity certificate expired. Agent will transition to the unidentified (not registered) state."
	msgDeregSuccess     = "%ASA-6-444306: %SMART_LIC-6-AGENT_DEREG_SUCCESS: Smart Agent for Licensing De-registration with Cisco licensing cloud successful."
	msgReserveInstalled = "%ASA-6-444306: %SMART_LIC-6-RESERVED_INSTALLED: Universal License Reservation Authorization code installed."
)
