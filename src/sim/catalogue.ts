/**
 * What the sandbox org audits: every service of genesys-audit-enums.json with the entity types
 * and actions it logs. The background generator samples from it, and servicemapping serves it.
 * Sensitive combinations (PeoplePermissions, user creation and deletion, recording exports and
 * deletions, integration credentials) are listed for servicemapping but left out of the random
 * background: only the controlled generators in benign.ts and anomalies.ts emit them, so a
 * normal day can never trip a compliance check by chance.
 */
export interface CatalogueEntity {
  name: string;
  actions: string[];
}
export interface CatalogueService {
  name: string;
  entities: CatalogueEntity[];
  /** Relative share of the random background. */
  weight: number;
}

const CUD = ['Create', 'Update', 'Delete'];

// "Service*weight: Entity=Action,Action; Entity" (no actions: Create, Update, Delete).
const TABLE = `
LanguageUnderstanding*1: IntentMiner=Create,Delete,View; TopicMiner=Create,Delete,View
ContentManagement*6: Document=View,Create,Update,Delete,Download,Upload,Move,VersionCreate,TagAdd,TagRemove,ShareAdd; Workspace=Create,Update,Delete,MemberAdd,MemberRemove; Tag
PeoplePermissions*0: Role=Create,Update,Delete,MemberAdd,MemberRemove; OAuthClient=Create,Update,Delete; OAuthClientAuthorization=Authorize,Deauthorize; AuthOrganization=Update; AuthUser=Authenticate,AuthenticationFailed,ChangePassword,SingleLogout; AccessToken=Create,Delete,Revoke; IdentityProvider; MFAVerifier=Create,Delete,Reset; Policy; OrganizationAuthorizationTrust
Presence*8: UserPresence=Update; Status
Architect*6: Flow=Create,Update,Delete,Publish,Checkin,Checkout,Revert,Save,Debug,Unpublish; Prompt; PromptResource; FlowOutcome; FlowMilestone; Grammar; DependencyTrackingBuild=Create
ContactCenter*3: Conversation=Update; Participant=Update; ConversationAttributes=Update
Quality*5: Evaluation=Create,Update,Delete,View; Calibration; Survey=Create,Update; EvaluationForm=Create,Update,Delete,Publish; SurveyForm=Create,Update,Publish; Recording=View,Export,Download,Delete,UpdateRetention,ApplyProtection; ScreenRecording=View,Delete; RecordingAnnotation; RecordingSettings=Update
SpeechAndTextAnalytics*2: Topic; Program; Category; SentimentFeedback=Create,Delete; DictionaryFeedback; TranscriptionSettings=Update; SpeechTextAnalyticsSettings=Update
PredictiveEngagement*1: Segment; Outcome; ActionMap; ActionTemplate; ClickstreamSettings=Update; EventType; SessionType
Knowledge*3: KnowledgeBase; KnowledgeCategory; KnowledgeDocument=Create,Update,Delete,Publish; KnowledgeDocumentVariation; KnowledgeLabel; KnowledgeTraining=Create,Update; KnowledgeSearchFeedback=Create; KnowledgeContext
Coaching*2: Appointment=Create,Update,Delete,Reschedule,Complete; Annotation
Learning*2: Module=Create,Update,Delete,Publish,Archive; Assignment=Create,Update,Delete,Reassign,Complete; Rule
UsersRules*1: Rules
Gamification*2: Profile=Create,Update,Delete,Publish; ProfileMembers=MemberAdd,MemberRemove; Metric; KpiSpecification=Update
EmployeeEngagement*1: Contest=Create,Update,Delete,Publish,Cancel; Recognition=Create,Delete
WorkforceManagement*7: ActivityCode; AdherenceExplanation=Create,Update,Approve,Reject; BusinessUnit; Forecast=Create,Update,Delete,Publish; ManagementUnit; PlanningGroup; Schedule=Create,Update,Delete,Publish; ServiceGoalTemplate; ShiftTrade=Create,Update,Approve,Reject; TimeOffRequest=Create,Update,Approve,Reject,Cancel; TimeOffPlan; WorkPlan; WorkPlanRotation; HistoricalData=Upload; StaffingGroup; CapacityPlan
Triggers*1: Trigger=Create,Update,Delete,Enable,Disable
ProcessAutomation*1: Trigger=Create,Update,Delete
ResponseManagement*2: Response; ResponseLibrary; ResponseAsset=Create,Upload,Delete
Groups*3: DirectoryGroup=Create,Update,Delete,MemberAdd,MemberRemove; Team=Create,Update,Delete,MemberAdd,MemberRemove; SkillGroup; SkillGroupDefinition=Update
Telephony*5: Edge=Update,UpdateInService,UpdateOutOfService; EdgeGroup; Trunk; TrunkBase; Phone=Create,Update,Delete; PhoneBase; Line; LineBase; DID=Create,Update,Delete,Assign,Unassign; DIDPool; Extension=Create,Update,Delete,Assign,Unassign; ExtensionPool; OutboundRoute; NumberPlan=Update; Site; ScheduleGroup; EmergencyGroup; IVR; CallerIdGroup; VoicemailPolicy=Update
Outbound*3: Campaign=Create,Update,Delete,Start,Stop; CampaignRule; CampaignSchedule; Sequence=Create,Update,Delete,Start,Stop; ContactList=Create,Update,Delete,ContactsUpdated,ContactsDeleted,Append; ContactListFilter; DNCList=Create,Update,Delete,Append; AttemptLimits; CallableTimeSet; RuleSet; WrapUpCodeMapping=Update; MessagingCampaign; CallAnalysisResponseSet
Routing*8: Queue=Create,Update,Delete,MemberAdd,MemberRemove,WrapupCodeAdd,WrapupCodeRemove; WrapupCode; RoutingSkill; RoutingLanguage; AgentRoutingInfo=Update; RoutingUtilizationTag; Predictor; MaxOrgRoutingUtilizationCapacity=Update
Integrations*2: Integration=Create,Update,Delete,Enable,Disable; Action=Create,Update,Delete,Publish,Execute; ActionDraft=Create,Update,Delete,Publish; Credential=Create,Update,Delete
Webhooks*1: Webhook=Create,Update,Delete,Enable,Disable
AnalyticsReporting*3: DashboardSettings=Update; InsightSettings=Update; AnalyticsReportingSettings=Update; SavedViews; ScheduledExports; Exports=Create,Delete,Download; ExportPdfTemplates; CustomCalculations
Limits*1: ChangeRequest=Create,Approved,Rejected,ImplementingChange,ChangeImplemented; OrganizationLimits=Update
EmployeePerformance*1: ExternalMetricsDefinition; ExternalMetricsData=Write
Datatables*2: Schema; Row; Bulk=Create,Delete
Messaging*2: SupportedContent; ConversationPhoneNumber=Create,Update,Delete; ConversationRecipient=Update; ConversationAccount; ConversationThreadingWindow=Update
WebDeployments*2: Deployment; Configuration=Create,Update,Delete,Publish; ConfigurationVersion=Create
Supportability*1: EdgePreferences=Update; EdgeTraceLevel=Update; SupportFile=Create,Download; EdgeLogZip=Create,Download; Pcaps=EnableCapture,DownloadCapture; MediaDiagnosticsTraceFile=Download; EdgeLog=Download
Callback*2: Conversation=Create,Update,Cancel,Reschedule
Directory*4: User=Create,Update,Delete,ChangePassword; DirectoryFeature=Update; OrganizationFeature=Update
Locations*1: Location
ExternalContacts*3: Contact=Create,Update,Delete,View; Note; Relationship; ExternalOrg; ContactSchema; ExternalOrganizationSchema
TaskManagement*2: Workbin; Worktype; BulkJob=Create
SCIM*0: User=Create,Update,Delete; DirectoryGroup=Create,Update,Delete,MemberAdd,MemberRemove
NumberPurchasing*1: NumberOrder=Create,Cancel
Marketplace*1: VendorListing=Create,Update,Publish; EnterpriseAgreement=Create,Approve
LogCapture*1: Participant=EnableCapture,DownloadCapture
GDPR*1: GdprRequest=Create,Update,Complete
DSAR*1: DsarRequest=Create,Complete
ExternalContactsExport*1: ExportRequest=Create,Download,Delete
AgentConfig*1: DefaultPanelSettings=Update
Emails*1: InboundDomain; OutboundDomain=Create,Verify,Delete; InboundRoute; EmailSetting=Update
Scripter*2: ComposerPage; ComposerPublishedScript=Create,Delete; ComposerScript=Create,Update,Delete,Publish; ComposerTemplate
Billing*1: Product=Update
JourneyAnalytics*1: JourneyView=Create,Update,Delete
NerService*1: CustomEntity
Onboarding*1: Migration=Create,Complete; Suspension=Create,Cancel
SocialListening*1: SocialMediaMessage=Create,Delete
BusinessRules*1: DecisionTable=Create,Update,Delete,Publish; DecisionTableVersion=Create,Publish; DecisionTableRow; DecisionTableImportJob=Create; RuleCategory
SocialEscalationRules*1: EscalationRule
Alerting*1: Rules
Assistants*1: Assistant; AssistantQueue=Create,Delete
`;

function parse(table: string): CatalogueService[] {
  const services: CatalogueService[] = [];
  for (const line of table.trim().split('\n')) {
    const [head, rest] = line.split(': ');
    const [name, weight] = head.split('*');
    const entities = rest.split('; ').map((spec) => {
      const [entity, actions] = spec.split('=');
      return { name: entity.trim(), actions: actions ? actions.split(',') : [...CUD] };
    });
    services.push({ name, weight: Number(weight), entities });
  }
  return services;
}

export const CATALOGUE: readonly CatalogueService[] = parse(TABLE);

/** Combinations only controlled generators emit (see the file comment). */
export function isControlled(service: string, entityType: string, action: string): boolean {
  if (service === 'PeoplePermissions' || service === 'SCIM') return true;
  if (service === 'Directory' && entityType === 'User' && (action === 'Create' || action === 'Delete')) return true;
  if (entityType === 'Recording' && (action === 'Export' || action === 'Download' || action === 'Delete')) return true;
  if (entityType === 'Credential') return true;
  if (service === 'Datatables' && entityType === 'Bulk') return true;
  return false;
}

export interface BackgroundChoice {
  service: string;
  entityType: string;
  action: string;
}

/** Flat, weighted list of background combinations (controlled ones left out). */
export function backgroundChoices(): { choices: BackgroundChoice[]; weights: number[] } {
  const choices: BackgroundChoice[] = [];
  const weights: number[] = [];
  for (const s of CATALOGUE) {
    if (s.weight === 0) continue;
    for (const e of s.entities) {
      const actions = e.actions.filter((a) => !isControlled(s.name, e.name, a));
      for (const a of actions) {
        choices.push({ service: s.name, entityType: e.name, action: a });
        // Updates dominate real audit trails; views and deletes are rarer.
        const actionWeight = a === 'Update' ? 4 : a === 'Delete' ? 0.6 : 1;
        weights.push((s.weight * actionWeight) / (s.entities.length * actions.length));
      }
    }
  }
  return { choices, weights };
}

/** The servicemapping answer: `{services: [{name, entities: [{name, actions}]}]}`. */
export function serviceMapping(): { services: Array<{ name: string; entities: CatalogueEntity[] }> } {
  return {
    services: CATALOGUE.map((s) => ({
      name: s.name,
      entities: s.entities.map((e) => ({ name: e.name, actions: [...e.actions] })),
    })),
  };
}
