import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBadRequestResponse, ApiTags } from '@nestjs/swagger';
import { RecordSignalCommand } from './record-signal.command';
import { RecordSignalHandler, RecordSignalResult } from './record-signal.handler';

@ApiTags('signals')
@ApiBearerAuth()
@Controller('signals')
export class RecordSignalController {
  constructor(private readonly handler: RecordSignalHandler) {}

  /** 202 only after the signal and its event have committed. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: 'Recorded (or already recorded under the same source and id).' })
  @ApiBadRequestResponse({ description: 'Invalid input; `errors` names each field and the reason.' })
  record(@Body() cmd: RecordSignalCommand): Promise<RecordSignalResult> {
    return this.handler.execute(cmd);
  }
}
