/*-------------------------------------------------------------------------
 *
 * modify.c
 *		  INSERT, UPDATE and DELETE on DynamoDB foreign tables.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/modify.c
 *
 * The executor's rows become writes on items here; txn.c buffers them
 * until the transaction commits (or bulk.c sends them at once).
 *
 *	INSERT	the row as an item: the document column's attributes, with every
 *			non-NULL column's attribute on top (an empty array writes no
 *			attribute).  A put conditioned on attribute_not_exists: an item
 *			that exists is a unique violation (23505).  ON CONFLICT DO
 *			NOTHING first asks DynamoDB (a consistent GetItem) and buffers
 *			nothing when the item exists.
 *	UPDATE	an UpdateItem of the columns the statement assigns: SET for a
 *			value, REMOVE for NULL or an empty array; attributes no column
 *			maps are left alone.  Assigning the document column SETs the
 *			unmapped attributes whose value changed and REMOVEs those it no
 *			longer has.  Conditioned on the item still existing.  A key
 *			cannot change.
 *	DELETE	a delete by key.
 *
 * Values DynamoDB cannot store (convert.c) and items certainly over its
 * 400 KB limit are refused at the row, naming the column or the item,
 * rather than by DynamoDB at commit, which names neither.
 *
 * The key of the row to change comes from junk columns the planner adds
 * (AddForeignUpdateTargets): the columns mapping the partition and sort
 * key, or the document column when no column maps one.  PostgreSQL fetches
 * the whole old row of an UPDATE itself; for DELETE ... RETURNING we ask
 * for it too, as the deleted row.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/appendinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "bulk.h"
#include "client.h"
#include "convert.h"
#include "ddb_limits.h"
#include "dynamo_fdw.h"
#include "ddb_value.h"
#include "modify.h"
#include "ops_read.h"
#include "ops_write.h"
#include "readset.h"
#include "server_options.h"
#include "table.h"
#include "txn.h"

/* fdw_private of a ModifyTable's result relation. */
enum DynamoModifyPrivate
{
	ModifyPrivateOnConflict		/* Integer: OnConflictAction */
};

struct DynamoModifyState
{
	DynamoRelation *rel;
	DynamoConn *conn;
	DynamoWriteTarget target;
	CmdType		operation;
	OnConflictAction on_conflict;
	bool		bulk;			/* BatchWriteItem instead of the buffer */
	bool		put_now;		/* ON CONFLICT DO NOTHING of one row, all its
								 * transaction does: one conditional PutItem */
	DynamoBulkWriter *bulk_writer;
	CommandId	cid;

	/* where the key comes from: a column, or the document (NULL) */
	const DynamoColumn *key_cols[2];
	char		key_types[2];
	const char *key_attrs[2];
	int			nkeys;
	AttrNumber	key_junk[2];	/* UPDATE/DELETE: junk columns of the key */
	AttrNumber	wholerow_junk;	/* the old row, when the plan has it */
	AttrNumber	ctid_junk;		/* the old row's handle in readset.c */
	List	   *locked;			/* UPDATE ... FROM: LockedSource of the other
								 * DynamoDB tables read */
	const DynamoColumn *document;
	List	   *updated;		/* UPDATE: attnums the statement assigns */
	bool		key_updated;

	MemoryContext row_cxt;		/* one row's conversions */
	TupleTableSlot *returning_slot; /* RETURNING with the document rebuilt */
	const char *current_column; /* for error messages */
};

/*
 * Another dynamo_fdw table an UPDATE or DELETE reads (UPDATE ... FROM):
 * each of its rows that decides a write is checked unchanged at commit.
 */
typedef struct LockedSource
{
	AttrNumber	ctid_junk;
	DynamoWriteTarget target;
} LockedSource;

/* The junk column name of the key column COL (unique per Var). */
static char *
key_rowid_name(const DynamoColumn *col)
{
	return psprintf("dynamo_key_%d_%u_%d_%u", col->attnum, col->type, col->typmod,
					col->collation);
}

static const char *
key_type_name(char t)
{
	switch (t)
	{
		case DYNAMO_TYPE_S:
			return "string (S)";
		case DYNAMO_TYPE_N:
			return "number (N)";
		case DYNAMO_TYPE_B:
			return "binary (B)";
	}
	return "no key type";
}

static void
modify_error_callback(void *arg)
{
	DynamoModifyState *s = (DynamoModifyState *) arg;

	if (s->current_column)
		errcontext("column \"%s\" of foreign table \"%s\"", s->current_column,
				   s->rel->relname);
}

/* ---- planning ---- */

/*
 * AddForeignUpdateTargets: the columns that name the item an UPDATE or
 * DELETE changes (its key, from a column or the document), the row's ctid
 * as a handle to what the scan read of it (the write's condition), and for
 * DELETE ... RETURNING the whole row, which DynamoDB's Delete does not
 * hand back at commit.
 */
static void
dynamoAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
							  RangeTblEntry *target_rte, Relation target_relation)
{
	DynamoRelation *rel = dynamo_get_relation(RelationGetRelid(target_relation));
	const char *attrs[2];
	int			i;

	attrs[0] = rel->meta->partition_key;
	attrs[1] = rel->meta->sort_key;
	for (i = 0; i < 2; i++)
	{
		const DynamoColumn *col;
		Var		   *var;

		if (attrs[i] == NULL)
			continue;
		col = dynamo_column_by_attr(rel, attrs[i]);
		if (col == NULL)
			col = dynamo_document_column(rel);
		if (col == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("foreign table \"%s\" has no column for the key attribute \"%s\"",
							rel->relname, attrs[i]),
					 errdetail("UPDATE and DELETE find the item to change by its key."),
					 errhint("Add a column with OPTIONS (column_name '%s'), or a jsonb column with OPTIONS (document 'true').",
							 attrs[i])));
		var = makeVar(rtindex, col->attnum, col->type, col->typmod, col->collation, 0);
		add_row_identity_var(root, var, rtindex, key_rowid_name(col));
	}

	/*
	 * The row's handle to what the scan read of it (readset.c): the write is
	 * conditioned on the item still holding that.
	 */
	add_row_identity_var(root, makeVar(rtindex, SelfItemPointerAttributeNumber, TIDOID,
									   -1, InvalidOid, 0),
						 rtindex, "ctid");

	/* DELETE ... RETURNING returns the deleted row: fetch all of it */
	if (root->parse->commandType == CMD_DELETE && root->parse->returningList != NIL)
		add_row_identity_var(root, makeWholeRowVar(target_rte, rtindex, 0, false),
							 rtindex, "wholerow");
}

/*
 * PlanForeignModify: nothing to deparse, the items are built per row;
 * only ON CONFLICT's action goes to the executor.  DO UPDATE is refused:
 * DynamoDB has no upsert that could decide as PostgreSQL would.
 */
static List *
dynamoPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
						Index resultRelation, int subplan_index)
{
	if (plan->onConflictAction == ONCONFLICT_UPDATE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ON CONFLICT DO UPDATE is not supported on DynamoDB foreign tables")));
	return list_make1(makeInteger(plan->onConflictAction));
}

/*
 * IsForeignRelUpdatable: INSERT, UPDATE and DELETE, always; whether the
 * user may write is DynamoDB's credentials' business.
 */
static int
dynamoIsForeignRelUpdatable(Relation rel)
{
	return (1 << CMD_INSERT) | (1 << CMD_UPDATE) | (1 << CMD_DELETE);
}

/* ---- executor setup ---- */

/* The DynamoDB table a foreign table maps, by its options. */
static const char *
mapped_table_name(Oid relid, ForeignTable **ft)
{
	const char *name;

	*ft = GetForeignTable(relid);
	name = dynamo_option_string((*ft)->options, "table_name");
	return name ? name : get_rel_name(relid);
}

/*
 * Does the statement read the DynamoDB table it writes?  An UPDATE does;
 * an INSERT does when another range table entry maps the same table.
 * Such a statement must keep hiding its own writes even when some are
 * sent early, and cannot use bulk mode.
 */
static bool
statement_reads_table(EState *estate, ResultRelInfo *rinfo, CmdType op)
{
	Oid			relid = RelationGetRelid(rinfo->ri_RelationDesc);
	ForeignTable *ft;
	const char *name = mapped_table_name(relid, &ft);
	ListCell   *lc;
	Index		rti = 0;

	if (op == CMD_UPDATE)
		return true;
	if (op == CMD_DELETE)
		return false;			/* deleted items never come back */
	foreach(lc, estate->es_range_table)
	{
		RangeTblEntry *rte = lfirst(lc);
		ForeignTable *other;

		rti++;
		if (rti == rinfo->ri_RangeTableIndex || rte->rtekind != RTE_RELATION ||
			rte->relkind != RELKIND_FOREIGN_TABLE)
			continue;
		if (rte->relid == relid)
			return true;
		if (GetForeignServer(GetForeignTable(rte->relid)->serverid)->fdwid !=
			GetForeignServer(ft->serverid)->fdwid)
			continue;
		if (strcmp(mapped_table_name(rte->relid, &other), name) == 0 &&
			other->serverid == ft->serverid)
			return true;
	}
	return false;
}

/* Whose user mapping signs for range table entry RTI (0: none). */
static Oid
rti_userid(EState *estate, Index rti)
{
	if (rti > 0)
	{
		Oid			userid = dynamo_rte_check_as_user(estate, exec_rt_fetch(rti, estate));

		if (OidIsValid(userid))
			return userid;
	}
	return GetUserId();
}

/* Whose user mapping signs: the view owner's for a view, as for scans. */
static Oid
modify_userid(EState *estate, ResultRelInfo *rinfo)
{
	Index		rti = rinfo->ri_RangeTableIndex;

	/* a partition's RTE holds no permissions from 16: ask its root's */
	if (rinfo->ri_RootResultRelInfo)
		rti = rinfo->ri_RootResultRelInfo->ri_RangeTableIndex;
	return rti_userid(estate, rti);
}

/* Where writes to REL's items go, signed with USER (the mapping of USERID). */
static void
fill_target(DynamoWriteTarget *wt, DynamoRelation *rel, Oid userid, UserMapping *user)
{
	const DynamoTable *meta = rel->meta;

	wt->serverid = rel->server->serverid;
	wt->userid = userid;
	wt->umid = user->umid;
	wt->table = meta->table_name;
	wt->partition_key = meta->partition_key;
	wt->sort_key = meta->sort_key;
}

/* The write target of range table entry RTI, a dynamo_fdw table. */
static void
rti_target(EState *estate, Index rti, Relation r, DynamoWriteTarget *wt)
{
	DynamoRelation *rel = dynamo_get_relation(RelationGetRelid(r));
	Oid			userid = rti_userid(estate, rti);

	memset(wt, 0, sizeof(*wt));
	fill_target(wt, rel, userid, GetUserMapping(userid, rel->server->serverid));
}

/*
 * UPDATE ... FROM / DELETE ... USING: the other dynamo_fdw tables the
 * statement reads, whose row handles the plan carries (row marks).
 */
static List *
locked_sources(EState *estate, ResultRelInfo *rinfo, Plan *subplan)
{
	List	   *result = NIL;
	Index		i;

	if (estate->es_rowmarks == NULL)
		return NIL;
	for (i = 0; i < estate->es_range_table_size; i++)
	{
		ExecRowMark *erm = estate->es_rowmarks[i];
		LockedSource *ls;
		char		resname[32];
		AttrNumber	attno;

		if (erm == NULL || erm->relation == NULL ||
			erm->markType != ROW_MARK_REFERENCE ||
			erm->relation->rd_rel->relkind != RELKIND_FOREIGN_TABLE ||
			GetFdwRoutineForRelation(erm->relation, false)->ExecForeignUpdate !=
			rinfo->ri_FdwRoutine->ExecForeignUpdate)
			continue;
		snprintf(resname, sizeof(resname), "ctid%u", erm->rowmarkId);
		attno = ExecFindJunkAttributeInTlist(subplan->targetlist, resname);
		if (!AttributeNumberIsValid(attno))
			continue;
		ls = palloc0(sizeof(LockedSource));
		ls->ctid_junk = attno;
		rti_target(estate, erm->rti, erm->relation, &ls->target);
		result = lappend(result, ls);
	}
	return result;
}

/*
 * Where each key attribute of S's table comes from (a column, or the
 * document), refusing a column whose type cannot hold it.
 */
static void
find_key_sources(DynamoModifyState *s)
{
	const DynamoTable *meta = s->rel->meta;
	int			i;

	s->key_attrs[0] = meta->partition_key;
	s->key_types[0] = meta->partition_type;
	s->nkeys = 1;
	if (meta->sort_key)
	{
		s->key_attrs[1] = meta->sort_key;
		s->key_types[1] = meta->sort_type;
		s->nkeys = 2;
	}
	for (i = 0; i < s->nkeys; i++)
	{
		const DynamoColumn *col = dynamo_column_by_attr(s->rel, s->key_attrs[i]);

		s->key_cols[i] = col;
		if (col)
		{
			char		tag = dynamo_type_tag(col->type);

			if (tag != s->key_types[i])
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
						 errmsg("column \"%s\" of foreign table \"%s\" cannot hold the key attribute \"%s\"",
								col->column, s->rel->relname, s->key_attrs[i]),
						 errdetail("The key attribute is a DynamoDB %s, and a column of type %s writes %s.",
								   key_type_name(s->key_types[i]), format_type_be(col->type),
								   tag ? key_type_name(tag) : "no key type")));
		}
		else if (s->document == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("foreign table \"%s\" has no column for the key attribute \"%s\"",
							s->rel->relname, s->key_attrs[i]),
					 errhint("Add a column with OPTIONS (column_name '%s'), or a jsonb column with OPTIONS (document 'true').",
							 s->key_attrs[i])));
	}
}

/* The junk columns of SUBPLAN that identify the row an UPDATE or DELETE changes. */
static void
find_junk(DynamoModifyState *s, EState *estate, ResultRelInfo *rinfo, Plan *subplan)
{
	int			i;

	for (i = 0; i < s->nkeys; i++)
	{
		const DynamoColumn *col = s->key_cols[i] ? s->key_cols[i] : s->document;

		s->key_junk[i] = ExecFindJunkAttributeInTlist(subplan->targetlist,
													  key_rowid_name(col));
		if (!AttributeNumberIsValid(s->key_junk[i]))
			elog(ERROR, "dynamo_fdw: key column \"%s\" is missing from the plan",
				 col->column);
	}
	s->wholerow_junk = ExecFindJunkAttributeInTlist(subplan->targetlist, "wholerow");
	s->ctid_junk = ExecFindJunkAttributeInTlist(subplan->targetlist, "ctid");
	s->locked = locked_sources(estate, rinfo, subplan);
}

/* The columns an UPDATE assigns, and whether a key is among them. */
static void
find_updated(DynamoModifyState *s, EState *estate, ResultRelInfo *rinfo)
{
	Bitmapset  *cols = ExecGetUpdatedCols(rinfo, estate);
	int			k = -1;
	int			i;

	while ((k = bms_next_member(cols, k)) >= 0)
	{
		AttrNumber	attnum = k + FirstLowInvalidHeapAttributeNumber;
		const DynamoColumn *col;

		if (attnum <= 0 || attnum > s->rel->ncolumns)
			continue;
		col = &s->rel->columns[attnum - 1];
		if (col->dropped)
			continue;
		s->updated = lappend_int(s->updated, attnum);
		for (i = 0; i < s->nkeys; i++)
			if (col == s->key_cols[i] || (s->key_cols[i] == NULL && col->document))
				s->key_updated = true;
	}
}

/*
 * The state of writes to RINFO's foreign table by operation OP.  SUBPLAN,
 * for an UPDATE or DELETE through ModifyTable, is the plan whose junk
 * columns identify the rows; NULL for a direct modification (direct.c),
 * which hands over keys and rows itself.
 */
static DynamoModifyState *
create_state(EState *estate, Plan *subplan, ResultRelInfo *rinfo, CmdType op,
			 OnConflictAction oc, bool explain_only)
{
	DynamoModifyState *s = palloc0(sizeof(DynamoModifyState));
	UserMapping *user;
	Oid			userid;

	s->operation = op;
	s->on_conflict = oc;
	s->target.track_sent = statement_reads_table(estate, rinfo, op);
	s->bulk = op == CMD_INSERT && dynamo_bulk_write && oc == ONCONFLICT_NONE &&
		!s->target.track_sent;
	if (explain_only)
		return s;

	s->rel = dynamo_get_relation(RelationGetRelid(rinfo->ri_RelationDesc));
	userid = modify_userid(estate, rinfo);
	user = GetUserMapping(userid, s->rel->server->serverid);
	s->conn = dynamo_connect(s->rel->server, user);
	s->cid = estate->es_output_cid;
	s->document = dynamo_document_column(s->rel);
	fill_target(&s->target, s->rel, userid, user);
	find_key_sources(s);
	if (subplan && (op == CMD_UPDATE || op == CMD_DELETE))
		find_junk(s, estate, rinfo, subplan);
	if (op == CMD_UPDATE)
		find_updated(s, estate, rinfo);

	s->row_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw modify row",
									   ALLOCSET_SMALL_SIZES);
	if (s->document)
		s->returning_slot = ExecInitExtraTupleSlot(estate,
												   RelationGetDescr(rinfo->ri_RelationDesc),
												   &TTSOpsVirtual);
	return s;
}

/*
 * BeginForeignModify: the write state of the result relation (its
 * connection, key sources, junk columns); and whether a lone one-row
 * INSERT ... ON CONFLICT DO NOTHING can be a conditional PutItem at once,
 * which closes the window between a check and a commit-time put.
 */
static void
dynamoBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
						 List *fdw_private, int subplan_index, int eflags)
{
	OnConflictAction oc = intVal(list_nth(fdw_private, ModifyPrivateOnConflict));

	Plan	   *subplan = outerPlanState(mtstate)->plan;
	DynamoModifyState *s;

	s = create_state(mtstate->ps.state, subplan, rinfo, mtstate->operation, oc,
					 (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0);
	/* INSERT ... VALUES (one row) ON CONFLICT DO NOTHING, alone */
	s->put_now = oc == ONCONFLICT_NOTHING && mtstate->operation == CMD_INSERT &&
		IsA(subplan, Result) && outerPlan(subplan) == NULL &&
		(eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 &&
		dynamo_txn_single_statement(mtstate->ps.state);
	rinfo->ri_FdwState = s;
}

/*
 * BeginForeignInsert: the same for rows routed into a partition and for
 * COPY, which have no ModifyTable plan of their own to read.
 */
static void
dynamoBeginForeignInsert(ModifyTableState *mtstate, ResultRelInfo *rinfo)
{
	ModifyTable *plan = (ModifyTable *) mtstate->ps.plan;
	OnConflictAction oc = plan ? plan->onConflictAction : ONCONFLICT_NONE;

	if (oc == ONCONFLICT_UPDATE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ON CONFLICT DO UPDATE is not supported on DynamoDB foreign tables")));
	rinfo->ri_FdwState = create_state(mtstate->ps.state, NULL, rinfo, CMD_INSERT, oc, false);
}

/* ---- rows to items ---- */

/* A column's value as an AttributeValue; NULL for an empty set. */
static DynamoValue *
column_av(DynamoModifyState *s, const DynamoColumn *col, Datum value)
{
	DynamoValue *av;

	s->current_column = col->column;
	av = dynamo_datum_to_av(value, col->type);
	s->current_column = NULL;
	return av;
}

/* The members of a document column's value (a JSON object). */
static DynamoValue *
document_members(DynamoModifyState *s, Datum value)
{
	DynamoValue *av = column_av(s, s->document, value);

	if (av == NULL || dynamo_value_member(av, "M") == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("document column \"%s\" of foreign table \"%s\" must hold a JSON object",
						s->document->column, s->rel->relname)));
	return dynamo_value_member(av, "M");
}

/*
 * The item of SLOT's row: the document's attributes, then each column's.
 * A NULL column removes its attribute when NULL_REMOVES, and leaves the
 * document's otherwise.  A new tree in the current context.
 */
static DynamoValue *
build_item(DynamoModifyState *s, TupleTableSlot *slot, bool null_removes)
{
	DynamoValue *item;
	int			i;

	/* the document's members have distinct names: copied whole */
	if (s->document && !slot->tts_isnull[s->document->attnum - 1])
		item = dynamo_value_copy(document_members(s, slot->tts_values[s->document->attnum - 1]));
	else
		item = dynamo_value_object();
	for (i = 0; i < s->rel->ncolumns; i++)
	{
		const DynamoColumn *col = &s->rel->columns[i];
		DynamoValue *av;

		if (col->dropped || col->document)
			continue;
		if (slot->tts_isnull[i])
		{
			if (null_removes)
				dynamo_value_remove(item, col->attr);
			continue;
		}
		av = column_av(s, col, slot->tts_values[i]);
		if (av == NULL)
			dynamo_value_remove(item, col->attr);
		else
			dynamo_value_set(item, col->attr, av);
	}
	return item;
}

/*
 * A lower bound of the size of attribute value AV as DynamoDB counts it:
 * strings and binaries at their byte length, numbers, booleans and nulls
 * at one byte, lists and maps with their 3 bytes of overhead.
 */
static size_t
av_size(const DynamoValue *av)
{
	const char *tag;
	const DynamoValue *v;
	const DynamoValue *m;
	size_t		n = 0;

	if (av == NULL || av->kind != DYNAMO_VALUE_OBJECT || av->first == NULL)
		return 0;
	tag = av->first->name;
	v = av->first;
	if (strcmp(tag, "S") == 0)
		return v->len;
	if (strcmp(tag, "B") == 0)
		return v->len / 4 * 3;	/* base64 */
	if (strcmp(tag, "SS") == 0 || strcmp(tag, "BS") == 0)
	{
		dynamo_value_foreach(m, v)
			n += tag[0] == 'B' ? m->len / 4 * 3 : m->len;
		return n;
	}
	if (strcmp(tag, "NS") == 0)
		return v->len;
	if (strcmp(tag, "L") == 0)
	{
		dynamo_value_foreach(m, v)
			n += av_size(m);
		return n + 3;
	}
	if (strcmp(tag, "M") == 0)
	{
		dynamo_value_foreach(m, v)
			n += m->name_len + av_size(m);
		return n + 3;
	}
	return 1;					/* N, BOOL, NULL */
}

/*
 * Refuse ITEM (with key KEY) when it is certainly over DynamoDB's 400 KB
 * item limit, at the row and naming the item; DynamoDB would refuse the
 * whole request at commit without saying which item.
 */
static void
check_item_size(DynamoModifyState *s, const DynamoValue *item, const DynamoValue *key)
{
	size_t		size = 0;
	const DynamoValue *m;

	dynamo_value_foreach(m, item)
		size += m->name_len + av_size(m);
	if (size > DYNAMO_MAX_ITEM_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("item %s of DynamoDB table \"%s\" is larger than DynamoDB's 400 KB item limit",
						dynamo_key_display(key, s->target.partition_key, s->target.sort_key),
						s->target.table),
				 errdetail("Its attribute names and values take at least %zu bytes.", size)));
}

/* Refuse a key value DynamoDB would refuse, saying why. */
static void
check_key_av(DynamoModifyState *s, int i, const DynamoValue *av)
{
	char		want[2] = {s->key_types[i], '\0'};
	const DynamoValue *v = dynamo_value_member(av, want);

	if (v == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("key attribute \"%s\" of DynamoDB table \"%s\" must be a %s",
						s->key_attrs[i], s->target.table, key_type_name(s->key_types[i])),
				 errdetail("The value given is %s.", dynamo_value_text(av))));
	if (v->len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key attribute \"%s\" of DynamoDB table \"%s\" cannot be empty",
						s->key_attrs[i], s->target.table)));
}

/* Is AV absent, or DynamoDB's NULL? */
static bool
av_is_null(const DynamoValue *av)
{
	return av == NULL || dynamo_value_member(av, "NULL") != NULL;
}

/* The key of ITEM, checked; a new tree in the current context. */
static DynamoValue *
key_of_item(DynamoModifyState *s, const DynamoValue *item)
{
	DynamoValue *key = dynamo_value_object();
	int			i;

	for (i = 0; i < s->nkeys; i++)
	{
		const DynamoValue *av = dynamo_value_member(item, s->key_attrs[i]);

		if (av_is_null(av) && s->key_cols[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in key attribute \"%s\" of DynamoDB table \"%s\"",
							s->key_attrs[i], s->target.table),
					 errdetail("No column maps the key attribute, and the document column \"%s\" of foreign table \"%s\" has no non-null member \"%s\".",
							   s->document->column, s->rel->relname, s->key_attrs[i])));
		if (av_is_null(av))
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
							s->key_cols[i] ? s->key_cols[i]->column : s->document->column,
							s->rel->relname),
					 errdetail("A DynamoDB item must have its key attribute \"%s\".",
							   s->key_attrs[i])));
		check_key_av(s, i, av);
		dynamo_value_set(key, s->key_attrs[i], dynamo_value_copy(av));
	}
	return key;
}

/* The key of the row to update or delete, from the junk columns. */
static DynamoValue *
key_of_old_row(DynamoModifyState *s, TupleTableSlot *planSlot)
{
	DynamoValue *key = dynamo_value_object();
	int			i;

	for (i = 0; i < s->nkeys; i++)
	{
		bool		isnull;
		Datum		d = ExecGetJunkAttribute(planSlot, s->key_junk[i], &isnull);
		DynamoValue *av = NULL;

		if (!isnull && s->key_cols[i])
			av = column_av(s, s->key_cols[i], d);
		else if (!isnull)
			av = dynamo_value_copy(dynamo_value_member(document_members(s, d),
													   s->key_attrs[i]));
		if (av == NULL)
			elog(ERROR, "dynamo_fdw: the row to change has no key attribute \"%s\"",
				 s->key_attrs[i]);
		dynamo_value_set(key, s->key_attrs[i], av);
	}
	return key;
}

static bool
is_key_attr(DynamoModifyState *s, const char *attr)
{
	int			i;

	for (i = 0; i < s->nkeys; i++)
		if (strcmp(s->key_attrs[i], attr) == 0)
			return true;
	return false;
}

/* The old row's document (its members), from the whole-row junk column. */
static DynamoValue *
old_document(DynamoModifyState *s, TupleTableSlot *planSlot, Relation r)
{
	HeapTupleHeader td;
	HeapTupleData tuple;
	bool		isnull;
	Datum		d;

	if (!AttributeNumberIsValid(s->wholerow_junk))
		return NULL;
	d = ExecGetJunkAttribute(planSlot, s->wholerow_junk, &isnull);
	if (isnull)
		return NULL;
	td = DatumGetHeapTupleHeader(d);
	tuple.t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = RelationGetRelid(r);
	tuple.t_data = td;
	d = heap_getattr(&tuple, s->document->attnum, RelationGetDescr(r), &isnull);
	return isnull ? NULL : document_members(s, d);
}

/*
 * An UPDATE assigned the document column: SET the unmapped attributes the
 * new document changes or adds, REMOVE those it dropped.
 */
static void
diff_document(DynamoModifyState *s, TupleTableSlot *slot, const DynamoValue *olddoc,
			  DynamoValue *set, DynamoValue *remove)
{
	int			attno = s->document->attnum - 1;
	DynamoValue *newdoc = slot->tts_isnull[attno] ? NULL
		: document_members(s, slot->tts_values[attno]);
	const DynamoValue *m;

	dynamo_value_foreach(m, newdoc)
	{
		if (is_key_attr(s, m->name) || dynamo_column_by_attr(s->rel, m->name))
			continue;
		if (dynamo_value_equal(dynamo_value_member(olddoc, m->name), m))
			continue;
		dynamo_value_set(set, m->name, dynamo_value_copy(m));
	}
	dynamo_value_foreach(m, olddoc)
	{
		if (is_key_attr(s, m->name) || dynamo_column_by_attr(s->rel, m->name))
			continue;
		if (dynamo_value_member(newdoc, m->name) == NULL)
			dynamo_value_set(remove, m->name, dynamo_value_bool(true));
	}
}

/* The record readset.c keeps of the row whose handle is column ATTNO. */
static DynamoReadRow *
read_row(TupleTableSlot *planSlot, AttrNumber attno)
{
	bool		isnull;
	Datum		d;

	if (!AttributeNumberIsValid(attno))
		return NULL;
	d = ExecGetJunkAttribute(planSlot, attno, &isnull);
	return isnull ? NULL : dynamo_readset_find((ItemPointer) DatumGetPointer(d));
}

/*
 * The condition of a write derived from the row in PLANSLOT (KEY's item):
 * what the scan read of the item, which must still be there at commit
 * (readset.c).  NULL when the row came from this transaction's own
 * buffered writes: the buffer keeps the condition of the first read.  The
 * rows of other DynamoDB tables that decided the write (UPDATE ... FROM)
 * are checked unchanged at commit too.
 */
static DynamoValue *
read_condition(DynamoModifyState *s, TupleTableSlot *planSlot, const DynamoValue *key)
{
	DynamoReadRow *row;
	ListCell   *lc;

	foreach(lc, s->locked)
	{
		LockedSource *ls = lfirst(lc);

		row = read_row(planSlot, ls->ctid_junk);
		if (row)
			dynamo_txn_lock(&ls->target, row->key, row->expect, s->cid);
	}
	row = read_row(planSlot, s->ctid_junk);
	if (row)
	{
		if (row->serverid != s->target.serverid || strcmp(row->table, s->target.table) != 0)
			elog(ERROR, "dynamo_fdw: the row to change was read from another table");
		return row->expect;
	}
	if (dynamo_txn_known(&s->target, key) == DYNAMO_TXN_UNKNOWN)
		elog(ERROR, "dynamo_fdw: the row to change was not read from DynamoDB");
	return NULL;
}

/* Does KEY's item exist?  A consistent GetItem of its key only. */
static bool
item_exists(DynamoModifyState *s, const DynamoValue *key)
{
	return dynamo_op_read_item(s->conn, s->target.table, key,
							  s->target.partition_key) != NULL;
}

/*
 * Put ITEM at once unless an item has its key: INSERT ... ON CONFLICT DO
 * NOTHING of one row in a transaction of its own.  One request, and no
 * window between a check and the put for another session's INSERT.  False
 * when the item existed.
 */
static bool
put_if_absent(DynamoModifyState *s, const DynamoValue *item)
{
	DynamoValue *names = dynamo_value_object();
	DynamoValue *attributes;
	DynamoWrite w;
	DynamoError err;

	memset(&w, 0, sizeof(w));
	w.kind = DYNAMO_WRITE_PUT;
	w.table = s->target.table;
	w.item = item;
	w.condition = "attribute_not_exists(#k)";
	dynamo_value_set(names, "#k", dynamo_value_string(s->target.partition_key));
	w.names = names;
	if (dynamo_op_write_item(s->conn, &w, &err, &attributes))
		return true;
	if (err.type && strcmp(err.type, "ConditionalCheckFailedException") == 0)
		return false;
	dynamo_report_error(s->conn, "PutItem", &err, err.status);
}

/*
 * SLOT for RETURNING, with the document column showing the whole item as
 * it will be in DynamoDB.
 */
static TupleTableSlot *
returning_result(DynamoModifyState *s, ResultRelInfo *rinfo, TupleTableSlot *slot,
				 const DynamoValue *item)
{
	TupleTableSlot *r = s->returning_slot;
	int			natts = slot->tts_tupleDescriptor->natts;
	Jsonb	   *jb;
	Datum		d;

	if (s->document == NULL || rinfo->ri_projectReturning == NULL)
		return slot;
	slot_getallattrs(slot);
	ExecClearTuple(r);
	memcpy(r->tts_values, slot->tts_values, sizeof(Datum) * natts);
	memcpy(r->tts_isnull, slot->tts_isnull, sizeof(bool) * natts);
	jb = dynamo_item_to_jsonb(item);
	d = JsonbPGetDatum(jb);
	if (getBaseType(s->document->type) == JSONOID)
		d = CStringGetTextDatum(JsonbToCString(NULL, &jb->root, VARSIZE(jb)));
	r->tts_values[s->document->attnum - 1] = d;
	r->tts_isnull[s->document->attnum - 1] = false;
	return ExecStoreVirtualTuple(r);
}

/* ---- executing ---- */

/*
 * ExecForeignInsert: the row as an item, buffered as a Put that the item
 * must not exist (23505 at commit if it does), sent at once in bulk mode,
 * or put at once when the statement is a lone ON CONFLICT DO NOTHING; the
 * RETURNING row shows the document as DynamoDB will hold it.
 */
static TupleTableSlot *
dynamoExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
						TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	DynamoModifyState *s = rinfo->ri_FdwState;
	MemoryContext oldcxt;
	ErrorContextCallback errcb;
	DynamoValue *item;
	DynamoValue *key;
	TupleTableSlot *result = slot;

	MemoryContextReset(s->row_cxt);
	oldcxt = MemoryContextSwitchTo(s->row_cxt);
	errcb.callback = modify_error_callback;
	errcb.arg = s;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	slot_getallattrs(slot);
	item = build_item(s, slot, false);
	key = key_of_item(s, item);
	check_item_size(s, item, key);

	if (s->bulk && dynamo_txn_known(&s->target, key) == DYNAMO_TXN_UNKNOWN)
	{
		if (s->bulk_writer == NULL)
		{
			MemoryContextSwitchTo(estate->es_query_cxt);
			s->bulk_writer = dynamo_bulk_begin(s->conn, s->target.table,
											   s->target.partition_key,
											   s->target.sort_key);
			MemoryContextSwitchTo(s->row_cxt);
		}
		dynamo_bulk_add(s->bulk_writer, item);
	}
	else if (s->put_now && dynamo_txn_known(&s->target, key) == DYNAMO_TXN_UNKNOWN)
	{
		if (!put_if_absent(s, item))
			result = NULL;
	}
	else
	{
		bool		do_nothing = s->on_conflict == ONCONFLICT_NOTHING;
		DynamoTxnOutcome outcome;

		if (do_nothing)
		{
			DynamoTxnKnown known = dynamo_txn_known(&s->target, key);

			if (known == DYNAMO_TXN_EXISTS ||
				(known == DYNAMO_TXN_UNKNOWN && item_exists(s, key)))
				result = NULL;
		}
		if (result)
		{
			outcome = dynamo_txn_insert(&s->target, key, item, do_nothing, s->cid);
			if (outcome == DYNAMO_TXN_DUPLICATE)
			{
				if (!do_nothing)
					dynamo_report_duplicate(s->target.table,
											dynamo_key_display(key, s->target.partition_key,
																	 s->target.sort_key),
											"This transaction wrote it earlier.");
				result = NULL;
			}
		}
	}
	if (result)
		result = returning_result(s, rinfo, slot, item);

	error_context_stack = errcb.previous;
	MemoryContextSwitchTo(oldcxt);
	return result;
}

/* Run the rest of a row's work in the row context, naming the column. */
#define ROW_WORK_BEGIN(s) \
	MemoryContext oldcxt; \
	ErrorContextCallback errcb; \
	MemoryContextReset((s)->row_cxt); \
	oldcxt = MemoryContextSwitchTo((s)->row_cxt); \
	errcb.callback = modify_error_callback; \
	errcb.arg = (s); \
	errcb.previous = error_context_stack; \
	error_context_stack = &errcb
#define ROW_WORK_END() \
	error_context_stack = errcb.previous; \
	MemoryContextSwitchTo(oldcxt)

/*
 * Buffer the UPDATE of KEY's item to SLOT's row, conditioned on EXPECT
 * (see dynamo_txn_update).  When the statement assigns the document
 * column, the old row's document comes from OLDDOC or else from PLANSLOT's
 * whole-row junk column.  The RETURNING row, or NULL when the update is
 * skipped.
 */
static TupleTableSlot *
update_item(DynamoModifyState *s, ResultRelInfo *rinfo, TupleTableSlot *slot,
			const DynamoValue *key, TupleTableSlot *planSlot, const DynamoValue *olddoc,
			const DynamoValue *expect)
{
	DynamoValue *set;
	DynamoValue *remove;
	DynamoValue *image;
	bool		doc_assigned = false;
	ListCell   *lc;
	int			i;

	slot_getallattrs(slot);
	image = build_item(s, slot, true);

	if (s->key_updated)
	{
		DynamoValue *newkey = key_of_item(s, image);

		if (strcmp(dynamo_key_string(newkey, s->target.partition_key, s->target.sort_key),
				   dynamo_key_string(key, s->target.partition_key, s->target.sort_key)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot change the key of a DynamoDB item"),
					 errdetail("The UPDATE changes the key %s of an item of DynamoDB table \"%s\".",
							   dynamo_key_display(key, s->target.partition_key,
														s->target.sort_key),
							   s->target.table),
					 errhint("DELETE the row and INSERT it with the new key.")));
	}
	/* the image keeps the key it had */
	for (i = 0; i < s->nkeys; i++)
	{
		const DynamoValue *av = dynamo_value_member(key, s->key_attrs[i]);

		dynamo_value_set(image, s->key_attrs[i],
						 av ? dynamo_value_copy(av) : dynamo_value_null());
	}
	/* the columns alone may already be too large */
	check_item_size(s, image, key);

	set = dynamo_value_object();
	remove = dynamo_value_object();
	foreach(lc, s->updated)
	{
		int			attnum = lfirst_int(lc);
		const DynamoColumn *col = &s->rel->columns[attnum - 1];
		DynamoValue *av = NULL;

		if (col->document)
		{
			doc_assigned = true;
			continue;
		}
		if (is_key_attr(s, col->attr))
			continue;
		if (!slot->tts_isnull[attnum - 1])
			av = column_av(s, col, slot->tts_values[attnum - 1]);
		if (av)
		{
			dynamo_value_remove(remove, col->attr);
			dynamo_value_set(set, col->attr, av);
		}
		else
		{
			dynamo_value_remove(set, col->attr);
			dynamo_value_set(remove, col->attr, dynamo_value_bool(true));
		}
	}
	if (doc_assigned)
	{
		if (olddoc == NULL && planSlot)
			olddoc = old_document(s, planSlot, rinfo->ri_RelationDesc);
		diff_document(s, slot, olddoc, set, remove);
	}

	if (dynamo_txn_update(&s->target, key, set, remove, image, expect,
						  s->cid) == DYNAMO_TXN_SKIPPED)
		return NULL;
	return returning_result(s, rinfo, slot, image);
}

/*
 * ExecForeignUpdate: buffer the change of the row's item, conditioned on
 * the item still holding what the scan read (40001 at commit otherwise).
 */
static TupleTableSlot *
dynamoExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
						TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	DynamoModifyState *s = rinfo->ri_FdwState;
	TupleTableSlot *result;
	DynamoValue *key;

	ROW_WORK_BEGIN(s);
	key = key_of_old_row(s, planSlot);
	result = update_item(s, rinfo, slot, key, planSlot, NULL,
						 read_condition(s, planSlot, key));
	ROW_WORK_END();
	return result;
}

/*
 * ExecForeignDelete: buffer the Delete of the row's item, conditioned as
 * an UPDATE is; RETURNING gets the row as the scan read it.
 */
static TupleTableSlot *
dynamoExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
						TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	DynamoModifyState *s = rinfo->ri_FdwState;
	DynamoValue *key;
	DynamoTxnOutcome outcome;

	ROW_WORK_BEGIN(s);
	key = key_of_old_row(s, planSlot);
	outcome = dynamo_txn_delete(&s->target, key, read_condition(s, planSlot, key), s->cid);
	ROW_WORK_END();
	if (outcome == DYNAMO_TXN_SKIPPED)
		return NULL;

	/* RETURNING: the deleted row, as the scan read it */
	if (AttributeNumberIsValid(s->wholerow_junk))
	{
		bool		isnull;
		Datum		d = ExecGetJunkAttribute(planSlot, s->wholerow_junk, &isnull);

		if (!isnull)
		{
			HeapTupleHeader td = DatumGetHeapTupleHeader(d);
			HeapTupleData tuple;

			tuple.t_len = HeapTupleHeaderGetDatumLength(td);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = RelationGetRelid(rinfo->ri_RelationDesc);
			tuple.t_data = td;
			/* a copy: a foreign table's slot keeps the HeapTuple pointer */
			ExecForceStoreHeapTuple(heap_copytuple(&tuple), slot, true);
		}
	}
	return slot;
}

/* ---- for direct modification (direct.c) ---- */

/* The write state of RINFO's table, for direct.c's UPDATE or DELETE. */
DynamoModifyState *
dynamo_modify_begin_direct(EState *estate, ResultRelInfo *rinfo, CmdType op)
{
	return create_state(estate, NULL, rinfo, op, ONCONFLICT_NONE, false);
}

/*
 * Buffer the UPDATE of KEY's item to SLOT's row (the whole new row), as a
 * write derived from a read of the item that saw EXPECT and, when the
 * statement assigns the document column, OLDDOC's members.  The RETURNING
 * row, or NULL when nothing is to be done.
 */
TupleTableSlot *
dynamo_modify_update_row(DynamoModifyState *s, ResultRelInfo *rinfo, TupleTableSlot *slot,
						 const DynamoValue *key, const DynamoValue *olddoc,
						 const DynamoValue *expect)
{
	TupleTableSlot *result;

	ROW_WORK_BEGIN(s);
	result = update_item(s, rinfo, slot, key, NULL, olddoc, expect);
	ROW_WORK_END();
	return result;
}

/* Buffer the DELETE of KEY's item, as for dynamo_modify_update_row. */
bool
dynamo_modify_delete_row(DynamoModifyState *s, const DynamoValue *key,
						 const DynamoValue *expect)
{
	DynamoTxnOutcome outcome;

	ROW_WORK_BEGIN(s);
	outcome = dynamo_txn_delete(&s->target, key, expect, s->cid);
	ROW_WORK_END();
	return outcome != DYNAMO_TXN_SKIPPED;
}

static void
end_modify(DynamoModifyState *s)
{
	if (s && s->bulk_writer)
	{
		(void) dynamo_bulk_finish(s->bulk_writer);
		s->bulk_writer = NULL;
	}
}

/* EndForeignModify: bulk mode sends its last group; the buffer waits for the commit. */
static void
dynamoEndForeignModify(EState *estate, ResultRelInfo *rinfo)
{
	end_modify(rinfo->ri_FdwState);
}

/* EndForeignInsert: the same for a partition's or COPY's rows. */
static void
dynamoEndForeignInsert(EState *estate, ResultRelInfo *rinfo)
{
	end_modify(rinfo->ri_FdwState);
}

/*
 * ExplainForeignModify: when the writes go to DynamoDB (at commit, or
 * during the statement in bulk mode) and how ON CONFLICT DO NOTHING checks.
 */
static void
dynamoExplainForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
						   List *fdw_private, int subplan_index,
						   struct ExplainState *es)
{
	DynamoModifyState *s = rinfo->ri_FdwState;

	ExplainPropertyText("DynamoDB Write",
						s && s->bulk ? "BatchWriteItem during the statement"
						: "TransactWriteItems at commit", es);
	if (s && s->on_conflict == ONCONFLICT_NOTHING)
		ExplainPropertyText("On Conflict Check",
							s->put_now ? "conditional PutItem, at once"
							: "consistent GetItem (a one-row INSERT alone in its transaction: one conditional PutItem)", es);
}

/* ---- row locks ---- */

/*
 * FOR UPDATE and FOR SHARE, and the rows an UPDATE ... FROM reads: the
 * plan carries each row's handle (ctid) so that the row can be checked
 * unchanged at commit.  DynamoDB has no locks to take.
 */
static RowMarkType
dynamoGetForeignRowMarkType(RangeTblEntry *rte, LockClauseStrength strength)
{
	/* a locking mark makes LockRows call RefetchForeignRow for each row */
	switch (strength)
	{
		case LCS_FORKEYSHARE:
			return ROW_MARK_KEYSHARE;
		case LCS_FORSHARE:
			return ROW_MARK_SHARE;
		case LCS_FORNOKEYUPDATE:
			return ROW_MARK_NOKEYEXCLUSIVE;
		case LCS_FORUPDATE:
			return ROW_MARK_EXCLUSIVE;
		case LCS_NONE:
			break;
	}
	return ROW_MARK_REFERENCE;
}

/*
 * A row FOR UPDATE or FOR SHARE returned (or EvalPlanQual asks for again):
 * the row as the scan read it, and for a lock, a ConditionCheck at commit
 * that the item is still what was read.
 */
static void
dynamoRefetchForeignRow(EState *estate, ExecRowMark *erm, Datum rowid,
						TupleTableSlot *slot, bool *updated)
{
	DynamoReadRow *row = dynamo_readset_find((ItemPointer) DatumGetPointer(rowid));

	if (row == NULL || row->tuple == NULL)
		elog(ERROR, "dynamo_fdw: the locked row was not read from DynamoDB");
	if (RowMarkRequiresRowShareLock(erm->markType))
	{
		DynamoWriteTarget wt;

		rti_target(estate, erm->rti, erm->relation, &wt);
		dynamo_txn_lock(&wt, row->key, row->expect, estate->es_output_cid);
	}
	ExecForceStoreHeapTuple(heap_copytuple(row->tuple), slot, true);
	*updated = false;
}

/* The write callbacks, for the handler. */
void
dynamo_modify_routine(FdwRoutine *routine)
{
	routine->AddForeignUpdateTargets = dynamoAddForeignUpdateTargets;
	routine->PlanForeignModify = dynamoPlanForeignModify;
	routine->BeginForeignModify = dynamoBeginForeignModify;
	routine->ExecForeignInsert = dynamoExecForeignInsert;
	routine->ExecForeignUpdate = dynamoExecForeignUpdate;
	routine->ExecForeignDelete = dynamoExecForeignDelete;
	routine->EndForeignModify = dynamoEndForeignModify;
	routine->BeginForeignInsert = dynamoBeginForeignInsert;
	routine->EndForeignInsert = dynamoEndForeignInsert;
	routine->IsForeignRelUpdatable = dynamoIsForeignRelUpdatable;
	routine->ExplainForeignModify = dynamoExplainForeignModify;
	routine->GetForeignRowMarkType = dynamoGetForeignRowMarkType;
	routine->RefetchForeignRow = dynamoRefetchForeignRow;
}
